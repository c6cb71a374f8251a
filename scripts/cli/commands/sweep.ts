import type { Command } from "commander";
import { getDb } from "../../../db";
import { findRunByName } from "../../../db/queries";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { formatBytes, table } from "../../../lib/format";
import { formatTokens } from "../../../lib/merge/plan";
import {
  appendSweepCells,
  cancelSweepCells,
  createSweep,
  describeSweep,
  listSweepSummaries,
  parseGridText,
  parseIntegerList,
  previewSweep,
  retrySweepCells,
  keepBestCells,
  setCellsKeep,
  type CellView,
  type CreatedSweep,
  type SweepDetails,
} from "../../../lib/sweeps";
import { action, emit } from "../output";
import { addSlurmOptions, hasSlurmFlags, slurmRequestFrom, type SlurmFlagOptions } from "./slurm-options";

interface GridOptions {
  points: string;
  n: string;
  interval: string;
  schemes: string;
  evaluator: string[];
  keep?: boolean;
  tolerance?: string;
  chunk?: string;
  json?: boolean;
}

function parseId(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new PmaError("invalid_arguments", `${what}: expected a number, got "${text}"`);
  return Number(text);
}

function parseGrid(options: GridOptions, tokensPerStep: number | null) {
  return { ...parseGridText(options, tokensPerStep), evaluators: options.evaluator, keep: Boolean(options.keep) };
}

/** The cell fields the CLI promises, plus status and where the merged model is. */
function cellJson(cell: CellView) {
  const { id, scheme, alpha, n, interval, point, feasible, reason, status, recipeHash, jobId, output, metrics, keep } = cell;
  return { id, scheme, alpha, n, interval, point, feasible, reason, status, keep, recipeHash, jobId, output, metrics };
}

function sweepJson(sweep: SweepDetails | CreatedSweep) {
  const head = { id: sweep.id, run: sweep.run, status: sweep.status, evaluators: sweep.evaluators, counts: sweep.counts };
  return { ...head, ...("estimate" in sweep ? { estimate: sweep.estimate } : {}), cells: sweep.cells.map(cellJson), baselines: sweep.baselines };
}

function renderSweep(sweep: SweepDetails | CreatedSweep): string {
  const c = sweep.counts;
  const lines = [
    `sweep #${sweep.id} on ${sweep.run}: ${sweep.status} — ${sweep.cells.length} cells (${c.done} done, ${c.running} running, ${c.queued} queued, ${c.failed} failed, ${c.cancelled} cancelled, ${c.infeasible} infeasible)`,
  ];
  if ("estimate" in sweep) {
    const e = sweep.estimate;
    lines.push(`${e.outputs} merge(s) to compute in ${e.jobs.length} job(s): write ${formatBytes(e.bytesToWrite)}, read ${formatBytes(e.bytesToRead)}; ${formatBytes(e.freeBytes)} free`);
  }
  lines.push(
    table(
      ["cell", "scheme", "N", "V", "T", "status", "output / reason"],
      sweep.cells.map((cell) => [
        cell.id,
        cell.scheme,
        cell.n,
        formatTokens(cell.interval),
        formatTokens(cell.point),
        cell.status + (cell.progress?.bytesTotal ? ` ${Math.round((100 * (cell.progress.bytesDone ?? 0)) / cell.progress.bytesTotal)}%` : ""),
        cell.feasible ? (cell.output ? `${cell.output.path} (${formatBytes(cell.output.bytes)})` : (cell.jobId ? `job #${cell.jobId}` : "")) : (cell.reason ?? ""),
      ]),
    ),
  );
  return lines.join("\n");
}

function addGridOptions(command: Command): Command {
  return command
    .requiredOption("--points <list>", "merge points T, tokens: 1.2M,4B,… (or 500steps)")
    .requiredOption("--n <list>", "window sizes N: 3,6")
    .requiredOption("--interval <list>", "intervals V, tokens: 1M,2M (or 100steps)")
    .requiredOption("--schemes <list>", "sma, wma, ema:<α>[:closed], custom:<w1>/<w2>/…")
    .option("--evaluator <name>", "evaluator to run on every merged model (repeatable)", (value: string, all: string[]) => [...all, value], [])
    .option("--keep", "keep the merged models (otherwise gc deletes them once the sweep is done)")
    .option("--tolerance <tokens>", "how far a stand-in checkpoint may sit from its target (default 1% of V)")
    .option("--chunk <n>", "outputs per fused pass (default 8)")
    .option("--json", "print one JSON document");
}

/** `sweep create|show|list|append|cancel|retry|keep`. */
export function registerSweepCommands(program: Command): void {
  const sweep = program.command("sweep").description("Grids of merge cells (scheme × N × V × T), run as fused passes on the workers");
  addSlurmOptions(
    addGridOptions(sweep.command("create").description("Plan a grid over a run and enqueue it (all or nothing)").requiredOption("--run <name>", "run name")).option(
      "--executor <where>",
      "local (the workers) or slurm (sbatch through pma-lab slurm submitter; see the --partition … options)",
      "local",
    ),
  ).action(
    action((options: GridOptions & SlurmFlagOptions & { run: string; executor: string }) => {
      const db = getDb();
      const run = findRunByName(db, options.run);
      if (!run) throw new PmaError("run_not_found", `no run named "${options.run}"`);
      if (options.executor !== "local" && options.executor !== "slurm") throw new PmaError("invalid_arguments", `--executor: local or slurm, got "${options.executor}"`);
      if (options.executor === "local" && hasSlurmFlags(options)) throw new PmaError("invalid_arguments", "Slurm options (--partition, --time, …) need --executor slurm");
      const slurm = options.executor === "slurm" ? slurmRequestFrom(options) : undefined;
      const created = createSweep(db, { run: options.run, ...parseGrid(options, run.tokensPerStep), slurm }, { dataDir: getConfig().dataDir });
      emit(options, sweepJson(created), () => renderSweep(created));
    }),
  );
  addGridOptions(sweep.command("preview").description("Show what create would store and enqueue, and what it costs; stores nothing").requiredOption("--run <name>", "run name")).action(
    action((options: GridOptions & { run: string }) => {
      const db = getDb();
      const run = findRunByName(db, options.run);
      if (!run) throw new PmaError("run_not_found", `no run named "${options.run}"`);
      const preview = previewSweep(db, { run: options.run, ...parseGrid(options, run.tokensPerStep) }, { dataDir: getConfig().dataDir });
      const { cells, estimate, disk } = preview;
      emit(options, { run: preview.run, estimate, disk, cells: cells.map(cellJson) }, () =>
        [renderSweep({ ...preview, id: 0 }).replace(/^sweep #0/, "preview"), disk.ok ? "disk: enough space" : `disk: ${disk.message}`].join("\n"),
      );
    }),
  );
  addGridOptions(sweep.command("append").description("Add cells to an existing sweep").argument("<id>")).action(
    action((id: string, options: GridOptions) => {
      const db = getDb();
      const current = describeSweep(db, parseId(id, "sweep id"), getConfig().dataDir);
      const run = findRunByName(db, current.run);
      const appended = appendSweepCells(db, current.id, parseGrid(options, run?.tokensPerStep ?? null), { dataDir: getConfig().dataDir });
      emit(options, sweepJson(appended), () => renderSweep(appended));
    }),
  );
  sweep
    .command("show")
    .argument("<id>")
    .option("--json", "print one JSON document")
    .action(
      action((id: string, options: { json?: boolean }) => {
        const details = describeSweep(getDb(), parseId(id, "sweep id"), getConfig().dataDir);
        emit(options, sweepJson(details), () => renderSweep(details));
      }),
    );
  sweep
    .command("list")
    .option("--run <name>", "only this run's sweeps")
    .option("--json", "print one JSON document")
    .action(
      action((options: { run?: string; json?: boolean }) => {
        const db = getDb();
        const run = options.run ? findRunByName(db, options.run) : undefined;
        if (options.run && !run) throw new PmaError("run_not_found", `no run named "${options.run}"`);
        const sweeps = listSweepSummaries(db, { run: run?.id });
        emit(options, { sweeps }, () =>
          sweeps.length === 0
            ? "No sweeps yet. Create one with: pma-lab sweep create --run NAME --points … --n … --interval … --schemes …"
            : table(
                ["sweep", "run", "status", "cells", "done", "running", "queued", "failed", "created"],
                sweeps.map((s) => [s.id, s.runName, s.status, s.cells, s.counts.done, s.counts.running, s.counts.queued, s.counts.failed, s.createdAt]),
              ),
        );
      }),
    );
  const cellsOption = (command: Command) => command.argument("<id>").option("--cells <ids>", "only these cell ids (comma-separated)").option("--json", "print one JSON document");
  const cellIds = (text?: string) => (text ? parseIntegerList(text, "--cells") : undefined);
  cellsOption(sweep.command("cancel").description("Cancel queued and running cells")).action(
    action((id: string, options: { cells?: string; json?: boolean }) => {
      const result = cancelSweepCells(getDb(), parseId(id, "sweep id"), cellIds(options.cells));
      emit(options, result, () => `cancelled ${result.cancelled} cell(s); jobs cancelled: ${result.jobsCancelled.join(", ") || "none"}`);
    }),
  );
  cellsOption(sweep.command("retry").description("Re-run failed and cancelled cells")).action(
    action((id: string, options: { cells?: string; json?: boolean }) => {
      const result = retrySweepCells(getDb(), parseId(id, "sweep id"), cellIds(options.cells), { dataDir: getConfig().dataDir });
      emit(options, result, () => `re-queued ${result.retried} cell(s) in ${result.estimate.jobs.length} new job(s)`);
    }),
  );
  cellsOption(
    sweep
      .command("keep")
      .description("Keep (or with --no-keep, release) cells' merged models; --best K --metric NAME keeps only the best K")
      .option("--no-keep", "let gc delete them")
      .option("--best <k>", "keep the best K merged models by --metric and release the rest")
      .option("--metric <name>", "the metric that ranks cells for --best (its direction is respected)"),
  ).action(
    action((id: string, options: { cells?: string; keep: boolean; best?: string; metric?: string; json?: boolean }) => {
      if (options.best !== undefined) {
        if (!options.metric) throw new PmaError("invalid_arguments", "--best needs --metric NAME to rank the cells by");
        const result = keepBestCells(getDb(), parseId(id, "sweep id"), getConfig().dataDir, options.metric, Number(options.best));
        emit(options, result, () => `keeping the best ${result.best} by ${result.metric}: cells ${result.kept.join(", ") || "none"}; released ${result.released}${result.unscored ? `; ${result.unscored} not scored yet` : ""}`);
        return;
      }
      const changed = setCellsKeep(getDb(), parseId(id, "sweep id"), cellIds(options.cells), options.keep);
      emit(options, { changed, keep: options.keep }, () => `${options.keep ? "keeping" : "released"} ${changed} cell(s)`);
    }),
  );
}

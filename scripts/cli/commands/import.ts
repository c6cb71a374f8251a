import fs from "node:fs";
import type { Command } from "commander";
import { getDb } from "../../../db";
import { MAX_CSV_BYTES } from "../../../lib/eval/import-csv";
import { importLmEvalResults, importMetricsCsv, type ImportedEvaluation } from "../../../lib/eval/imports";
import { findNewestResultsFile, MAX_RESULTS_BYTES } from "../../../lib/eval/lm-eval-results";
import type { CheckpointRef } from "../../../lib/eval/targets";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { table } from "../../../lib/format";
import { action, emit } from "../output";

/** Reads one input; a directory stands for the newest results_*.json under it (lm-eval only). */
function readFile(file: string, limit: number, allowDirectory: boolean): { name: string; bytes: Buffer } {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new PmaError("eval_import_missing", `${file}: no such file or directory`);
  if (stat.isDirectory() && !allowDirectory) throw new PmaError("eval_import_missing", `${file} is a directory; give the CSV file`);
  const target = stat.isDirectory() ? findNewestResultsFile(file) : file;
  const real = fs.statSync(target);
  if (!real.isFile()) throw new PmaError("eval_import_missing", `${target} is not a regular file`);
  if (real.size > limit) throw new PmaError("eval_import_too_large", `${target}: ${real.size} bytes; at most ${limit}`);
  return { name: target, bytes: fs.readFileSync(target) };
}

function render(imported: ImportedEvaluation[]): string {
  const fresh = imported.filter((i) => !i.duplicate).length;
  return [
    `${fresh} evaluation(s) imported, ${imported.length - fresh} already there (no change)`,
    table(
      ["checkpoint", "evaluation", "metrics", "status"],
      imported.map((i) => [i.target, `#${i.evaluationId}`, i.metrics, i.duplicate ? "duplicate" : "imported"]),
    ),
  ].join("\n");
}

/** `import lm-eval` and `import csv`: scores computed elsewhere, attached to registered checkpoints. */
export function registerImportCommands(program: Command): void {
  const group = program.command("import").description("Attach scores computed elsewhere to registered checkpoints");

  group
    .command("lm-eval")
    .description("Import lm-evaluation-harness results (a results_*.json, or the newest one under a directory)")
    .argument("<paths...>", "results files or harness output directories")
    .option("--checkpoint <dir>", "the registered checkpoint directory the results are for")
    .option("--run <name>", "the checkpoint's run (with --step)")
    .option("--step <n>", "the checkpoint's step (with --run)")
    .option("--json", "print one JSON document")
    .action(
      action((paths: string[], options: { checkpoint?: string; run?: string; step?: string; json?: boolean }) => {
        let ref: CheckpointRef;
        if (options.checkpoint && !options.run && options.step === undefined) ref = { checkpoint: options.checkpoint };
        else if (!options.checkpoint && options.run && options.step !== undefined) {
          if (!/^\d+$/.test(options.step)) throw new PmaError("invalid_arguments", "--step: expected a whole number");
          ref = { run: options.run, step: Number(options.step) };
        } else throw new PmaError("invalid_arguments", "give either --checkpoint DIR, or --run NAME and --step N");
        const files = paths.map((p) => readFile(p, MAX_RESULTS_BYTES, true));
        const imported = importLmEvalResults(getDb(), getConfig().dataDir, files, ref);
        emit(options, { imported: imported.map((i, k) => ({ ...i, file: files[k].name })) }, () => render(imported));
      }),
    );

  group
    .command("csv")
    .description("Import a CSV of scores: run, step or checkpoint, metric, value[, stderr, n, higher_is_better]")
    .argument("<file>", "CSV file with a header row")
    .option("--json", "print one JSON document")
    .action(
      action((file: string, options: { json?: boolean }) => {
        const { imported, warnings } = importMetricsCsv(getDb(), getConfig().dataDir, readFile(file, MAX_CSV_BYTES, false));
        emit(options, { imported, warnings }, () => [render(imported), ...warnings.map((w) => `warning: ${w}`)].join("\n"));
      }),
    );
}

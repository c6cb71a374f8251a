import path from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { getDb } from "../../../db";
import { getConfig } from "../../../lib/env";
import { enqueueJob } from "../../../lib/jobs/queue";
import { PmaError } from "../../../lib/errors";
import { table } from "../../../lib/format";
import { runScienceCheck, type ScienceReport } from "../../../lib/lab/check";
import { runLab, type LabProgress, type LabStatus } from "../../../lib/lab/lab";
import { isScaleName, LAB_SCALES } from "../../../lib/lab/scales";
import { action, emit } from "../output";

interface LabOptions {
  scale?: string;
  dir?: string;
  workers?: string;
  enqueue?: boolean;
  json?: boolean;
}

/** `lab` trains the reference lab; `lab check` runs the science check on it. */
export function registerLabCommands(program: Command): void {
  const lab = program
    .command("lab")
    .description("Train the reference lab: a tiny Llama on the Brown corpus with WSD, annealed branches and an unstable run")
    .option("--scale <scale>", "ci (≤ 3 min) or demo (≤ 10 min)", "ci")
    .option("--dir <dir>", "lab directory (default <data dir>/lab/<scale>)")
    .option("--workers <n>", "runs trained at once (default 2)")
    .option("--enqueue", "put a lab-train job on the queue for the local worker (the UI shows it live) instead of training here")
    .option("--json", "print one JSON document")
    .action(
      action(async (options: LabOptions) => {
        const { scale, dir } = resolveLab(options);
        if (options.enqueue) {
          const job = enqueueLab(scale, dir);
          emit(options, { jobId: job.id, scale, dir }, () => `queued the ${scale} lab as job #${job.id} (${dir}); a local worker (pma-lab serve or pma-lab worker) trains it`);
          return;
        }
        const workers = options.workers === undefined ? undefined : Number(options.workers);
        if (workers !== undefined && (!Number.isSafeInteger(workers) || workers < 1)) throw new PmaError("invalid_arguments", "--workers: expected a positive integer");
        const bar = progressBar(options);
        let status: LabStatus;
        try {
          status = await runLab({ scale: LAB_SCALES[scale], dir, workers }, { onProgress: bar?.update });
        } finally {
          bar?.stop();
        }
        emit(options, { dir, ...status }, () =>
          [
            `lab ${scale} in ${dir}: ${status.complete ? "complete" : "incomplete"} (${status.wallSeconds.toFixed(0)} s)`,
            table(["run", "kind", "status", "last step"], status.runs.map((r) => [r.name, r.kind, r.status, r.lastStep])),
            status.restarts ? `spike at step ${status.restarts.spike.step}; restarts from checkpoints ${status.restarts.window.join(", ")}` : "the unstable run did not spike: no restarts",
            `next: pma-lab lab check --dir ${dir}`,
          ].join("\n"),
        );
      }),
    );

  lab
    .command("check")
    .description("Check that the lab reproduces the paper's qualitative findings (exit code 1 if not)")
    .option("--scale <scale>", "which lab under the data dir", "ci")
    .option("--dir <dir>", "lab directory (default <data dir>/lab/<scale>)")
    .option("--json", "print one JSON document")
    .action(
      action(async (_local: LabOptions, command: Command) => {
        // `--dir`/`--scale` also exist on `lab`; commander may hand them to either, so read both.
        const options: LabOptions = command.optsWithGlobals();
        const { dir } = resolveLab(options);
        const report = await runScienceCheck(dir, { onProgress: options.json || !process.stderr.isTTY ? undefined : (n) => process.stderr.write(`\revaluated ${n} models`) });
        if (!options.json && process.stderr.isTTY) process.stderr.write("\n");
        emit(options, report, () => formatReport(report));
        if (!report.passed) process.exitCode = 1;
      }),
    );
}

/** The job's payload names a directory under the data dir: the worker resolves it against its own (the server's). */
function enqueueLab(scale: keyof typeof LAB_SCALES, dir: string) {
  const relative = path.relative(getConfig().dataDir, dir).split(path.sep).join("/");
  if (relative.startsWith("..") || path.isAbsolute(relative)) throw new PmaError("invalid_arguments", `--enqueue: the lab directory must be under the data dir (${getConfig().dataDir})`);
  return enqueueJob(getDb(), { kind: "lab-train", payload: { scale, dir: relative } });
}

function resolveLab(options: LabOptions): { scale: keyof typeof LAB_SCALES; dir: string } {
  const scale = options.scale ?? "ci";
  if (!isScaleName(scale)) throw new PmaError("invalid_arguments", `--scale: expected one of ${Object.keys(LAB_SCALES).join(", ")}, got "${scale}"`);
  return { scale, dir: path.resolve(options.dir ?? path.join(getConfig().dataDir, "lab", scale)) };
}

function progressBar(options: LabOptions): { update: (p: LabProgress) => void; stop: () => void } | null {
  if (options.json || !process.stderr.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: "training [{bar}] {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {runs}", hideCursor: true, etaBuffer: 200 },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    update: (p) => {
      const runs = p.runs.filter((r) => r.status === "running").map((r) => `${r.run} ${r.step}/${r.endStep}${r.loss === null ? "" : ` loss ${r.loss.toFixed(2)}`}`).join(", ");
      if (!running) {
        bar.start(p.totalSteps, p.doneSteps, { runs });
        running = true;
      } else {
        bar.setTotal(p.totalSteps);
        bar.update(p.doneSteps, { runs });
      }
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

function formatReport(r: ScienceReport): string {
  const f = (x: number) => x.toFixed(4);
  const d = (x: number) => (x >= 0 ? "+" : "") + x.toFixed(4);
  const lines = [
    `science check of the ${r.lab.scale} lab (${r.lab.dir}): ${r.passed ? "PASSED" : "FAILED"} — ${r.evaluations} models evaluated in ${r.seconds.toFixed(0)} s`,
    table(["", "assertion", "evidence"], r.assertions.map((a) => [a.passed ? "ok" : "FAIL", a.name, a.detail])),
    "",
    "annealed branches (held-out loss, nats/byte):",
    table(["branch", "fork", "end", "latest", "SMA", "annealed", "gap closed", "SMA at fork"], r.branches.map((b) => [b.run, b.forkStep, b.endStep, f(b.latest), f(b.merged), f(b.annealed), `${(b.gapClosed * 100).toFixed(0)}%`, f(b.mergedAtFork)])),
    "",
  ];
  if (r.schemes && r.trends) {
    const { early, late } = r.schemes;
    lines.push(
      `schemes, N=${early.n} (loss minus latest checkpoint):`,
      table(["point", "step", ...Object.keys(early.deltas)], [early, late].map((row, i) => [i === 0 ? "early" : "late", row.step, ...Object.values(row.deltas).map(d)])),
      `N trend at step ${r.trends.step}: ${r.trends.n.map((x) => `N=${x.n} ${d(x.delta)}`).join(", ")}`,
      `V trend at step ${r.trends.step} (N=4): ${r.trends.v.map((x) => `V=${x.v} ${d(x.delta)}`).join(", ")}`,
    );
  }
  if (r.spike) {
    const s = r.spike;
    const o = (x: typeof s.pmaInit) => (x ? `start ${f(x.startLoss)} → end ${f(x.endLoss)}, ${x.respikedAt === null ? "no second spike" : `spiked again at step ${x.respikedAt}`}` : "not run");
    lines.push(`spike at step ${s.spike.step} (smoothed loss ${f(s.spike.baseline)} → peak ${f(s.spike.peak)}); PMA-init of ${s.window.join(", ")}: ${o(s.pmaInit)}; rollback to ${s.window[s.window.length - 1]}: ${o(s.rollback)}`);
  } else lines.push("the unstable run did not spike");
  return lines.join("\n");
}

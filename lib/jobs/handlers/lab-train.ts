import path from "node:path";
import type { Db } from "../../../db/client";
import type { JobProgress } from "../../../db/schema";
import type { Config } from "../../env";
import { PmaError } from "../../errors";
import { ensureDemoSweep } from "../../lab/demo";
import { runLab, type LabProgress } from "../../lab/lab";
import { createLabRegistrar } from "../../lab/register-runs";
import type { LabPlan } from "../../lab/runs";
import { LAB_SCALES } from "../../lab/scales";
import type { LabTrainPayload } from "../kinds";
import type { JobHandler } from "../worker/context";

export interface LabTrainDeps {
  /** The server's database: lab-train is local-only, so this is the worker's own connection to it. */
  db: () => Db;
  config: () => Config;
  now?: () => number;
}

/**
 * `lab-train`: runs the lab (two trainer processes on a two-core worker; the kind is exclusive, so the worker
 * claims nothing else meanwhile), registers each run as its checkpoints appear, and on success rescans every run
 * and — with `demoSweep` — creates the demo sweep once. Cancellation stops the trainers after their current step;
 * a later attempt resumes from the last complete checkpoints.
 */
export function createLabTrainHandler(deps: LabTrainDeps): JobHandler<LabTrainPayload> {
  const now = deps.now ?? Date.now;
  return async (context) => {
    const { payload } = context.job;
    if (payload.scale === "tiny" && !context.allowTestJobs) throw new PmaError("test_jobs_disabled", "the tiny lab scale runs only with PMA_LAB_TEST_JOBS=1");
    const config = deps.config();
    const db = deps.db();
    const scale = LAB_SCALES[payload.scale];
    const dir = path.join(config.dataDir, payload.dir);
    const workers = Math.max(1, Math.min(scale.workers, context.threads));
    const registrar = createLabRegistrar(db, config, context.log);
    const eta = etaEstimator(now);
    const seen: { lab?: LabPlan } = {};
    context.log(`training the ${scale.name} lab in ${dir} with ${workers} trainer process(es)`);
    const status = await runLab(
      { scale, dir, workers },
      {
        signal: context.signal,
        onProgress: (progress) => context.progress(describeLab(progress, eta(progress))),
        onCheckpoint: (lab, run) => {
          seen.lab = lab;
          registrar.register(lab, run);
        },
        onRunFinished: (lab, run, result) => {
          seen.lab = lab;
          context.log(`${run.name}: ${result.status} at step ${result.lastStep}${result.resumedFrom === null ? "" : ` (resumed from step ${result.resumedFrom})`}`);
          registrar.register(lab, run);
        },
      },
    );
    context.progress({ phase: "registering", message: `${status.runs.length} runs` });
    const runs = seen.lab ? await registrar.finish(seen.lab) : [];
    const sweep = payload.demoSweep ? ensureDemoSweep(db, scale, config.dataDir) : null;
    if (sweep) context.log(sweep.created ? `created the demo sweep #${sweep.sweepId}` : `the demo sweep exists (#${sweep.sweepId})`);
    return { dir, complete: status.complete, wallSeconds: status.wallSeconds, runs, restarts: status.restarts, sweepId: sweep?.sweepId ?? null };
  };
}

/** Steps per second over this attempt (resumed steps do not count), hence the time left. */
function etaEstimator(now: () => number): (progress: LabProgress) => number | undefined {
  let start: { at: number; done: number } | null = null;
  return (progress) => {
    start ??= { at: now(), done: progress.doneSteps };
    const seconds = (now() - start.at) / 1000;
    const rate = (progress.doneSteps - start.done) / seconds;
    return seconds > 2 && rate > 0 ? Math.max(0, progress.totalSteps - progress.doneSteps) / rate : undefined;
  };
}

/** Steps ride in bytesDone/bytesTotal so the queue's progress bar shows them; rate 0 keeps them from reading as bytes/s. */
export function describeLab(progress: LabProgress, etaSeconds: number | undefined): JobProgress {
  const finished = progress.runs.filter((r) => r.status === "complete" || r.status === "diverged").length;
  const running = progress.runs.filter((r) => r.status === "running").map((r) => `${r.run} ${r.step}/${r.endStep}`);
  return {
    phase: "training",
    bytesDone: progress.doneSteps,
    bytesTotal: progress.totalSteps,
    rate: 0,
    ...(etaSeconds === undefined ? {} : { etaSeconds }),
    message: [`${progress.doneSteps}/${progress.totalSteps} steps`, `${finished}/${progress.runs.length} runs done`, ...running].join(" · "),
  };
}

import { writeTransaction, type Db } from "../../db/client";
import { findEvaluationJobsForRecipes, findJobsByIds, findSweepById, findSweepTargets, upsertJobTargets, listCells, upsertSweepTarget } from "../../db/queries";
import type { SlurmSettings } from "../../db/schema";
import { PmaError } from "../errors";
import { isLocalOnlyKind } from "../jobs/kinds";

/**
 * Which jobs run on Slurm. A targeted job is skipped by every worker's claim and waits for the submitter. A
 * sweep that targets Slurm passes its target to every job enqueued for it later — its fused passes, the
 * evaluations enqueued when a merge is published, retries — through `targetNewSweepJobs`, called inside the
 * transaction that enqueues them, so no worker can take one first.
 */

/** Inside the caller's write transaction: these queued jobs run on Slurm, with these settings from their next submission on. */
export function targetJobsIn(tx: Db, jobIds: number[], target: { sweepId: number | null; settings: SlurmSettings }, now = Date.now()): number[] {
  const jobs = findJobsByIds(tx, jobIds);
  const missing = jobIds.filter((id) => !jobs.some((job) => job.id === id));
  if (missing.length > 0) throw new PmaError("job_not_found", `no job ${missing.map((id) => `#${id}`).join(", ")}`);
  for (const job of jobs) {
    if (isLocalOnlyKind(job.kind)) throw new PmaError("slurm_local_only", `job #${job.id} (${job.kind}) needs the server's own database and disk; it cannot run on Slurm`);
  }
  const queued = jobs.filter((job) => job.status === "queued").map((job) => job.id);
  upsertJobTargets(tx, queued.map((jobId) => ({ jobId, sweepId: target.sweepId, settings: target.settings })), now);
  return queued;
}

export function targetJob(db: Db, jobId: number, settings: SlurmSettings): number[] {
  return writeTransaction(db, (tx) => {
    const [job] = findJobsByIds(tx, [jobId]);
    if (job && job.status !== "queued") throw new PmaError("job_not_queued", `job #${jobId} is ${job.status}; only a queued job can move to Slurm`);
    return targetJobsIn(tx, [jobId], { sweepId: null, settings });
  });
}

/**
 * Inside the caller's write transaction: the sweep runs on Slurm from now on. Its queued passes and the queued
 * evaluations of its merges move there now; what is already running finishes where it is.
 */
export function targetSweepIn(tx: Db, sweepId: number, settings: SlurmSettings, now = Date.now()): number[] {
  if (!findSweepById(tx, sweepId)) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  upsertSweepTarget(tx, sweepId, settings, now);
  const cells = listCells(tx, sweepId);
  const passes = cells.flatMap((cell) => (cell.jobId ? [cell.jobId] : []));
  const evaluations = findEvaluationJobsForRecipes(tx, [...new Set(cells.flatMap((cell) => (cell.recipeHash ? [cell.recipeHash] : [])))]);
  const candidates = findJobsByIds(tx, [...new Set([...passes, ...evaluations])]).filter((job) => job.status === "queued" && !isLocalOnlyKind(job.kind));
  return targetJobsIn(tx, candidates.map((job) => job.id), { sweepId, settings }, now);
}

export function targetSweep(db: Db, sweepId: number, settings: SlurmSettings): number[] {
  return writeTransaction(db, (tx) => targetSweepIn(tx, sweepId, settings));
}

/** The hook: jobs just enqueued for these sweeps follow the first of them that runs on Slurm. */
export function targetNewSweepJobs(tx: Db, sweepIds: number[], jobIds: number[], now = Date.now()): void {
  if (jobIds.length === 0 || sweepIds.length === 0) return;
  const target = findSweepTargets(tx, [...new Set(sweepIds)])[0];
  if (!target) return;
  const jobs = findJobsByIds(tx, jobIds).filter((job) => job.status === "queued" && !isLocalOnlyKind(job.kind));
  upsertJobTargets(tx, jobs.map((job) => ({ jobId: job.id, sweepId: target.sweepId, settings: target.settings })), now);
}

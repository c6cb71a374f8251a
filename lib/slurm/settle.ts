import { writeTransaction } from "../../db/client";
import { findJobById, listAttemptsByToken, listTasksForJob, settleTasks } from "../../db/queries";
import type { Job, SlurmSubmission, SlurmTask, TaskSettlement } from "../../db/schema";
import { isLeaseLost } from "../jobs/errors";
import { cancelJob, failJob, failQueuedJobIn, releaseJob } from "../jobs/queue";
import { decideEnd, type SlurmDecision } from "./outcome";
import { slurmTaskId, type SlurmTaskState } from "./states";
import type { WatchDeps } from "./watch";

/**
 * What to do with a PMA Lab job once Slurm is done with its task:
 *
 * - its worker still holds the lease (it died without a word: killed for memory or time, node gone, preempted):
 *   apply the Slurm outcome (outcome.ts) under that lease — fail, retry, release or cancel. The call is fenced:
 *   had the worker reported in the meantime, it changes nothing.
 * - nobody from this submission ever claimed the job and it is still queued (the task died before the worker
 *   started, or pma-lab could not run): a permanent outcome fails it; otherwise it goes out again, at most
 *   MAX_UNCLAIMED times in a row.
 * - otherwise the worker reported the attempt itself: nothing to add.
 */

export const MAX_UNCLAIMED = 3;

export interface SettleInput {
  task: SlurmTask;
  submission: SlurmSubmission;
  job: Job;
  state: SlurmTaskState;
}

export async function settleTask(input: SettleInput, deps: WatchDeps): Promise<TaskSettlement> {
  const { task, submission, state } = input;
  const slurmId = slurmTaskId(submission, task);
  const decision = decideEnd({ slurmId, state, request: submission.request, cancelRequested: task.cancelRequestedAt !== null, ownerUid: deps.ownerUid });
  const job = findJobById(deps.db, task.jobId);
  const ours = job && submission.tokenId !== null ? listAttemptsByToken(deps.db, job.id, submission.tokenId) : [];
  const lease = job?.status === "running" && ours.some((attempt) => attempt.leaseToken === job.leaseToken && attempt.outcome === "running") ? job.leaseToken : null;
  let settled: { as: TaskSettlement; message: string };
  if (job && lease) settled = applyUnderLease(job, lease, decision, deps);
  else if (job && ours.length === 0 && job.status === "queued") settled = applyUnclaimed(job, decision, deps);
  else if (decision.action === "none") settled = { as: "cancelled", message: decision.message };
  else if (ours.length === 0) settled = { as: "reported", message: `${describeEnd(slurmId, state)}; job #${task.jobId} was already ${job?.status ?? "deleted"}` };
  else settled = { as: "reported", message: `${describeEnd(slurmId, state)}; the worker reported job #${task.jobId} itself` };
  settleTasks(deps.db, [task.id], settled.as, settled.message, deps.now());
  if (settled.as !== "reported") deps.say(`job #${task.jobId}: ${settled.message}`);
  return settled.as;
}

function applyUnderLease(job: Job, leaseToken: string, decision: SlurmDecision, deps: WatchDeps): { as: TaskSettlement; message: string } {
  const call = { jobId: job.id, leaseToken };
  const now = deps.now();
  try {
    switch (decision.action) {
      case "retry":
      case "fail": {
        const outcome = failJob(deps.db, { ...call, error: decision.error }, { now, backoff: deps.backoff });
        return outcome.status === "queued" ? { as: "retried", message: `${decision.error.message}; retrying` } : { as: "failed", message: `${decision.error.message}; the job failed` };
      }
      case "release":
        releaseJob(deps.db, call, { now });
        return { as: "released", message: decision.message };
      case "cancel":
        cancelJob(deps.db, job.id, { now });
        return { as: "cancelled", message: decision.message };
      case "none":
        return { as: "cancelled", message: decision.message };
    }
  } catch (error) {
    if (!isLeaseLost(error)) throw error;
    return { as: "reported", message: `the worker reported job #${job.id} itself` };
  }
}

function applyUnclaimed(job: Job, decision: SlurmDecision, deps: WatchDeps): { as: TaskSettlement; message: string } {
  const now = deps.now();
  switch (decision.action) {
    case "fail":
      writeTransaction(deps.db, (tx) => failQueuedJobIn(tx, job.id, decision.error, now));
      return { as: "failed", message: `${decision.error.message}; the job failed` };
    case "cancel":
      cancelJob(deps.db, job.id, { now });
      return { as: "cancelled", message: decision.message };
    case "release":
    case "none":
      return { as: "released", message: `${summary(decision)}; the job goes out again` };
    case "retry": {
      const times = unclaimedInARow(deps, job.id) + 1;
      if (times < MAX_UNCLAIMED) return { as: "unclaimed", message: `${decision.error.message}, before claiming job #${job.id}; it goes out again` };
      const error = { code: decision.error.code, message: `${times} Slurm jobs in a row ended before claiming job #${job.id}; the last: ${decision.error.message}`, permanent: true };
      writeTransaction(deps.db, (tx) => failQueuedJobIn(tx, job.id, error, now));
      return { as: "failed", message: error.message };
    }
  }
}

/** Earlier tasks of the job that ended unclaimed, counted back from the latest (submissions refused at sbatch skipped). */
function unclaimedInARow(deps: WatchDeps, jobId: number): number {
  let count = 0;
  for (const { task } of listTasksForJob(deps.db, jobId)) {
    if (task.settled === "rejected" || task.settled === null) continue;
    if (task.settled !== "unclaimed") break;
    count += 1;
  }
  return count;
}

/** "Slurm job 12_3 ended FAILED (exit 1:0)". */
export function describeEnd(slurmId: string, state: SlurmTaskState): string {
  return `Slurm job ${slurmId} ended ${state.state}${state.exit ? ` (exit ${state.exit.code}:${state.exit.signal})` : ""}`;
}

function summary(decision: SlurmDecision): string {
  return "error" in decision ? decision.error.message : decision.message;
}

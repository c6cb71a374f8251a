import { writeTransaction } from "../../db/client";
import { listLiveTasks, listSubmissionsInState, listTasks, markTasksCancelRequested, settleTasks, updateSubmission, updateTask } from "../../db/queries";
import type { Job, SlurmSubmission, SlurmTask } from "../../db/schema";
import { describeError } from "../errors";
import type { BackoffPolicy } from "../jobs/queue";
import { settleTask } from "./settle";
import { isTerminalState, slurmTaskId, type SlurmTaskState } from "./states";
import type { SubmitterDeps } from "./submit";
import { revokeSubmissionToken } from "./tokens";

/**
 * Keeps PMA Lab and Slurm in step, once per round: reads the state of every submission with live tasks
 * (`scontrol show job`, or `sacct` once slurmctld has forgotten a job), records it on the tasks, settles the ones
 * Slurm is done with (settle.ts), scancels tasks whose job was cancelled here, and closes finished submissions.
 */

export interface WatchDeps extends SubmitterDeps {
  /** sacct works here (slurmdbd); decided once by the submitter. */
  accounting: boolean;
  ownerUid: number | null;
  /** The queue's retry back-off (lib/jobs/config.ts). */
  backoff: BackoffPolicy;
}

type Live = { task: SlurmTask; submission: SlurmSubmission; job: Job };

export async function watchSubmissions(deps: WatchDeps): Promise<{ settled: number; cancelled: number }> {
  const live = listLiveTasks(deps.db).filter((entry) => entry.submission.state === "submitted" && entry.submission.slurmJobId);
  const bySubmission = new Map<number, Live[]>();
  for (const entry of live) bySubmission.set(entry.submission.id, [...(bySubmission.get(entry.submission.id) ?? []), entry]);
  let settled = 0;
  for (const entries of bySubmission.values()) settled += await watchOne(entries, deps);
  const cancelled = await cancelAbandoned(deps);
  closeFinished(deps);
  return { settled, cancelled };
}

async function watchOne(entries: Live[], deps: WatchDeps): Promise<number> {
  const submission = entries[0].submission;
  let states = await deps.cli.show(submission.slurmJobId!);
  if (states === null && deps.accounting) states = await deps.cli.accounting([submission.slurmJobId!]);
  const mine = (states ?? []).filter((state) => state.jobId === submission.slurmJobId);
  const byIndex = new Map(mine.map((state) => [state.arrayIndex, state]));
  let settled = 0;
  for (const entry of entries) {
    const state = byIndex.get(entry.task.arrayIndex);
    if (!state) {
      // Forgotten by slurmctld (MinJobAge) with no accounting to ask: PMA Lab's lease rules take it from here.
      if (mine.length === 0) {
        settleTasks(deps.db, [entry.task.id], "vanished", `Slurm job ${slurmTaskId(submission, entry.task)} is no longer known to Slurm; the job's lease decides what happens next`, deps.now());
        settled += 1;
      }
      continue;
    }
    record(entry.task, state, deps);
    if (isTerminalState(state.state)) {
      try {
        await settleTask({ ...entry, state }, deps);
        settled += 1;
      } catch (error) {
        deps.say(`task ${slurmTaskId(submission, entry.task)} (job #${entry.job.id}): ${describeError(error)}`);
      }
    }
  }
  return settled;
}

function record(task: SlurmTask, state: SlurmTaskState, deps: WatchDeps): void {
  const exitCode = state.exit ? `${state.exit.code}:${state.exit.signal}` : null;
  if (task.slurmState === state.state && task.reason === state.reason && task.exitCode === exitCode && task.restarts === state.restarts) return;
  updateTask(deps.db, task.id, { slurmState: state.state, reason: state.reason, exitCode, restarts: state.restarts }, deps.now());
}

/**
 * scancel for tasks whose job no longer wants them: cancelled here (running or not), or finished some other way
 * while the task still waits in Slurm's queue.
 */
async function cancelAbandoned(deps: WatchDeps): Promise<number> {
  const targets = listLiveTasks(deps.db).filter(({ task, submission, job }) => {
    if (task.cancelRequestedAt !== null || submission.state !== "submitted" || !submission.slurmJobId) return false;
    if (job.status === "cancelled") return true;
    const waiting = task.slurmState === null || task.slurmState === "PENDING";
    return waiting && (job.status === "succeeded" || job.status === "failed");
  });
  if (targets.length === 0) return 0;
  await deps.cli.cancel(targets.map(({ task, submission }) => slurmTaskId(submission, task)));
  markTasksCancelRequested(deps.db, targets.map(({ task }) => task.id), deps.now());
  deps.say(`scancel ${targets.map(({ task, submission }) => slurmTaskId(submission, task)).join(" ")} (jobs ${targets.map(({ job }) => `#${job.id}`).join(", ")} no longer need them)`);
  return targets.length;
}

/** A submission whose tasks are all settled has ended: its token is revoked. */
function closeFinished(deps: WatchDeps): void {
  for (const submission of listSubmissionsInState(deps.db, ["submitted"])) {
    const tasks = listTasks(deps.db, submission.id);
    if (tasks.some((task) => task.settled === null)) continue;
    writeTransaction(deps.db, (tx) => {
      updateSubmission(tx, submission.id, { state: "ended", endedAt: deps.now() });
      revokeSubmissionToken(tx, submission.id);
    });
  }
}

/**
 * After a crash between storing a submission and hearing back from sbatch: find the job by its name. Found, it is
 * watched like any other; not found, the submission is dropped and its jobs go out again in a new one.
 */
export async function recoverSubmitting(deps: WatchDeps): Promise<void> {
  for (const submission of listSubmissionsInState(deps.db, ["submitting"])) {
    const found = await deps.cli.findByName(submission.name);
    writeTransaction(deps.db, (tx) => {
      if (found) {
        updateSubmission(tx, submission.id, { state: "submitted", slurmJobId: found, submittedAt: deps.now() });
        return;
      }
      const message = `submission #${submission.id} was stored but never reached Slurm (the submitter stopped); its jobs go out again`;
      updateSubmission(tx, submission.id, { state: "rejected", error: message, endedAt: deps.now() });
      revokeSubmissionToken(tx, submission.id);
      settleTasks(tx, listTasks(tx, submission.id).map((task) => task.id), "rejected", message, deps.now());
    });
    deps.say(found ? `submission #${submission.id}: found as Slurm job ${found}` : `submission #${submission.id}: never submitted; its jobs go out again`);
  }
}

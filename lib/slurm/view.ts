import type { Db } from "../../db/client";
import { findJobTarget, listLiveTasks, listTasksForJob } from "../../db/queries";
import type { SbatchRequest, SlurmSettings, SubmissionState, TaskSettlement } from "../../db/schema";
import { slurmTaskId } from "./states";

/** What the job page and `pma-lab slurm show` say about a job on Slurm. */
export interface SlurmJobView {
  /** The settings it was targeted with; null when it does not run on Slurm. */
  target: SlurmSettings | null;
  tasks: SlurmTaskView[];
}

export interface SlurmTaskView {
  submissionId: number;
  submissionState: SubmissionState;
  /** "123", "123_4", or null before sbatch answered. */
  slurmId: string | null;
  jobName: string;
  state: string | null;
  reason: string | null;
  exitCode: string | null;
  restarts: number;
  settled: TaskSettlement | null;
  message: string | null;
  error: string | null;
  request: SbatchRequest;
  script: string;
  submittedAt: number | null;
  endedAt: number | null;
  cancelRequested: boolean;
}

export function describeSlurmJob(db: Db, jobId: number): SlurmJobView {
  const target = findJobTarget(db, jobId);
  const tasks = listTasksForJob(db, jobId).map(({ task, submission }) => ({
    submissionId: submission.id,
    submissionState: submission.state,
    slurmId: submission.slurmJobId ? slurmTaskId(submission, task) : null,
    jobName: submission.name,
    state: task.slurmState,
    reason: task.reason,
    exitCode: task.exitCode,
    restarts: task.restarts,
    settled: task.settled,
    message: task.message,
    error: submission.error,
    request: submission.request,
    script: submission.script,
    submittedAt: submission.submittedAt,
    endedAt: task.endedAt,
    cancelRequested: task.cancelRequestedAt !== null,
  }));
  return { target: target?.settings ?? null, tasks };
}

/** Tasks still waiting on Slurm, for `pma-lab slurm status`. */
export function listLiveSlurmTasks(db: Db) {
  return listLiveTasks(db).map(({ task, submission, job }) => ({
    jobId: job.id,
    kind: job.kind,
    jobStatus: job.status,
    submissionId: submission.id,
    slurmId: submission.slurmJobId ? slurmTaskId(submission, task) : null,
    state: task.slurmState ?? (submission.state === "submitting" ? "SUBMITTING" : "UNKNOWN"),
    reason: task.reason,
  }));
}

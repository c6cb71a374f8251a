import { and, asc, desc, eq, inArray, isNull, lte, notExists, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  jobAttempts,
  jobs,
  workers,
  slurmJobTargets,
  slurmSubmissions,
  slurmSweepTargets,
  slurmTasks,
  type Job,
  type JobAttempt,
  type SbatchRequest,
  type SlurmJobTarget,
  type SlurmSettings,
  type SlurmSubmission,
  type SlurmSweepTarget,
  type SlurmTask,
  type SubmissionState,
  type TaskSettlement,
} from "../schema";

/** Row access for the Slurm executor; the rules live in lib/slurm/. */

export function upsertSweepTarget(db: Db, sweepId: number, settings: SlurmSettings, now: number): void {
  db.insert(slurmSweepTargets)
    .values({ sweepId, settings, createdAt: now })
    .onConflictDoUpdate({ target: slurmSweepTargets.sweepId, set: { settings } })
    .run();
}

export function findSweepTargets(db: Db, sweepIds: number[]): SlurmSweepTarget[] {
  if (sweepIds.length === 0) return [];
  return db.select().from(slurmSweepTargets).where(inArray(slurmSweepTargets.sweepId, sweepIds)).all();
}

/** Marks jobs as Slurm's; a job targeted again takes the new settings (for its next submission). */
export function upsertJobTargets(db: Db, rows: { jobId: number; sweepId: number | null; settings: SlurmSettings }[], now: number): void {
  for (const row of rows) {
    db.insert(slurmJobTargets)
      .values({ ...row, createdAt: now })
      .onConflictDoUpdate({ target: slurmJobTargets.jobId, set: { sweepId: row.sweepId, settings: row.settings } })
      .run();
  }
}

export function findJobTarget(db: Db, jobId: number): SlurmJobTarget | undefined {
  return db.select().from(slurmJobTargets).where(eq(slurmJobTargets.jobId, jobId)).get();
}

/** A condition for queries over `jobs`: the job is not one of Slurm's (ordinary workers never claim those). */
export function notTargetedAtSlurm(db: Db) {
  return notExists(db.select({ one: sql`1` }).from(slurmJobTargets).where(eq(slurmJobTargets.jobId, jobs.id)));
}

export interface ReadyJob {
  job: Job;
  target: SlurmJobTarget;
}

/**
 * Slurm jobs that are queued, due, and not in any task still waiting on Slurm: what the next `sbatch` takes.
 * Oldest first, at most `limit`.
 */
export function listReadySlurmJobs(db: Db, now: number, limit: number): ReadyJob[] {
  const live = db
    .select({ one: sql`1` })
    .from(slurmTasks)
    .where(and(eq(slurmTasks.jobId, jobs.id), isNull(slurmTasks.settled)));
  return db
    .select({ job: jobs, target: slurmJobTargets })
    .from(jobs)
    .innerJoin(slurmJobTargets, eq(slurmJobTargets.jobId, jobs.id))
    .where(and(eq(jobs.status, "queued"), lte(jobs.runAfter, now), notExists(live)))
    .orderBy(desc(jobs.priority), asc(jobs.id))
    .limit(limit)
    .all();
}

export function countLiveTasks(db: Db): number {
  return db.select({ n: sql<number>`count(*)` }).from(slurmTasks).where(isNull(slurmTasks.settled)).get()?.n ?? 0;
}

export interface NewSubmission {
  name: string;
  kind: string;
  sweepId: number | null;
  isArray: boolean;
  request: SbatchRequest;
  script: string;
  tokenId: number | null;
  now: number;
}

export function insertSubmission(db: Db, row: NewSubmission): SlurmSubmission {
  const { now, ...fields } = row;
  return db
    .insert(slurmSubmissions)
    .values({ ...fields, state: "submitting", createdAt: now })
    .returning()
    .get();
}

export function updateSubmission(db: Db, id: number, patch: Partial<Pick<SlurmSubmission, "name" | "script" | "tokenId" | "slurmJobId" | "state" | "error" | "submittedAt" | "endedAt">>): void {
  db.update(slurmSubmissions).set(patch).where(eq(slurmSubmissions.id, id)).run();
}

export function findSubmission(db: Db, id: number): SlurmSubmission | undefined {
  return db.select().from(slurmSubmissions).where(eq(slurmSubmissions.id, id)).get();
}

export function findSubmissionByToken(db: Db, tokenId: number): SlurmSubmission | undefined {
  return db.select().from(slurmSubmissions).where(eq(slurmSubmissions.tokenId, tokenId)).get();
}

export function listSubmissionsInState(db: Db, states: SubmissionState[]): SlurmSubmission[] {
  return db.select().from(slurmSubmissions).where(inArray(slurmSubmissions.state, states)).orderBy(asc(slurmSubmissions.id)).all();
}

export function insertTasks(db: Db, rows: { submissionId: number; jobId: number; arrayIndex: number | null }[], now: number): void {
  if (rows.length === 0) return;
  db.insert(slurmTasks)
    .values(rows.map((row) => ({ ...row, updatedAt: now })))
    .run();
}

export function listTasks(db: Db, submissionId: number): SlurmTask[] {
  return db.select().from(slurmTasks).where(eq(slurmTasks.submissionId, submissionId)).orderBy(asc(slurmTasks.id)).all();
}

/** Tasks not yet settled, with their job's status: what the submitter still watches. */
export function listLiveTasks(db: Db): { task: SlurmTask; submission: SlurmSubmission; job: Job }[] {
  return db
    .select({ task: slurmTasks, submission: slurmSubmissions, job: jobs })
    .from(slurmTasks)
    .innerJoin(slurmSubmissions, eq(slurmSubmissions.id, slurmTasks.submissionId))
    .innerJoin(jobs, eq(jobs.id, slurmTasks.jobId))
    .where(isNull(slurmTasks.settled))
    .orderBy(asc(slurmTasks.id))
    .all();
}

export type TaskPatch = Partial<Pick<SlurmTask, "slurmState" | "reason" | "exitCode" | "restarts" | "settled" | "message" | "cancelRequestedAt" | "endedAt">>;

export function updateTask(db: Db, id: number, patch: TaskPatch, now: number): void {
  db.update(slurmTasks)
    .set({ ...patch, updatedAt: now })
    .where(eq(slurmTasks.id, id))
    .run();
}

export function markTasksCancelRequested(db: Db, ids: number[], now: number): void {
  if (ids.length === 0) return;
  db.update(slurmTasks).set({ cancelRequestedAt: now, updatedAt: now }).where(inArray(slurmTasks.id, ids)).run();
}

export function settleTasks(db: Db, ids: number[], settled: TaskSettlement, message: string, now: number): void {
  if (ids.length === 0) return;
  db.update(slurmTasks)
    .set({ settled, message, endedAt: now, updatedAt: now })
    .where(and(inArray(slurmTasks.id, ids), isNull(slurmTasks.settled)))
    .run();
}

/** Tasks of one job across submissions, newest first (the job page). */
export function listTasksForJob(db: Db, jobId: number): { task: SlurmTask; submission: SlurmSubmission }[] {
  return db
    .select({ task: slurmTasks, submission: slurmSubmissions })
    .from(slurmTasks)
    .innerJoin(slurmSubmissions, eq(slurmSubmissions.id, slurmTasks.submissionId))
    .where(eq(slurmTasks.jobId, jobId))
    .orderBy(desc(slurmTasks.id))
    .all();
}

/** Does the submission hold a task for this job? (A submission's token claims only those.) */
export function submissionHasJob(db: Db, submissionId: number, jobId: number): boolean {
  return Boolean(
    db
      .select({ id: slurmTasks.id })
      .from(slurmTasks)
      .where(and(eq(slurmTasks.submissionId, submissionId), eq(slurmTasks.jobId, jobId)))
      .get(),
  );
}

/** The attempts at a job made by workers that presented this token (a submission's). */
export function listAttemptsByToken(db: Db, jobId: number, tokenId: number): JobAttempt[] {
  return db
    .select({ attempt: jobAttempts })
    .from(jobAttempts)
    .innerJoin(workers, eq(workers.id, jobAttempts.workerId))
    .where(and(eq(jobAttempts.jobId, jobId), eq(workers.tokenId, tokenId)))
    .orderBy(asc(jobAttempts.attempt))
    .all()
    .map((row) => row.attempt);
}

/** Which of these jobs run on Slurm. */
export function findTargetedJobIds(db: Db, jobIds: number[]): Set<number> {
  if (jobIds.length === 0) return new Set();
  const rows = db.select({ jobId: slurmJobTargets.jobId }).from(slurmJobTargets).where(inArray(slurmJobTargets.jobId, jobIds)).all();
  return new Set(rows.map((row) => row.jobId));
}

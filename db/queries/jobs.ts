import { and, asc, desc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../client";
import { notTargetedAtSlurm } from "./slurm";
import { jobAttempts, jobs, type AttemptOutcome, type Job, type JobAttempt, type JobError, type JobProgress, type JobStatus } from "../schema";

/**
 * Row-level access to the queue. The rules (leases, fencing, retries) live in lib/jobs/queue.ts, which calls these
 * inside its write transactions; nothing here decides anything.
 */

export interface InsertJob {
  kind: string;
  payload: unknown;
  maxAttempts: number;
  priority?: number;
  runAfter: number;
  estimatedBytes?: number;
  now: number;
}

export function insertJob(db: Db, job: InsertJob): Job {
  const { now, ...fields } = job;
  return db
    .insert(jobs)
    .values({ ...fields, status: "queued", createdAt: now, updatedAt: now })
    .returning()
    .get();
}

export function findJobById(db: Db, id: number): Job | undefined {
  return db.select().from(jobs).where(eq(jobs.id, id)).get();
}

export function findJobsByIds(db: Db, ids: number[]): Job[] {
  if (ids.length === 0) return [];
  return db.select().from(jobs).where(inArray(jobs.id, ids)).all();
}

/** Running jobs whose lease ran out before `now`: their worker died, hung or lost the network. */
export function listExpiredLeases(db: Db, now: number): Job[] {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, "running"), lt(jobs.leaseExpiresAt, now)))
    .all();
}

/** The next job due among `kinds`: highest priority, then oldest. Jobs that run on Slurm are not for workers to pick. */
export function findNextDueJob(db: Db, kinds: string[], now: number): Job | undefined {
  if (kinds.length === 0) return undefined;
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), inArray(jobs.kind, kinds), lte(jobs.runAfter, now), notTargetedAtSlurm(db)))
    .orderBy(desc(jobs.priority), asc(jobs.id))
    .limit(1)
    .get();
}

/** Queued or running jobs among `kinds` that workers may claim (not Slurm's), and when the earliest queued one becomes due. */
export function countPendingJobs(db: Db, kinds: string[]): { pending: number; nextRunAfter: number | null } {
  if (kinds.length === 0) return { pending: 0, nextRunAfter: null };
  const row = db
    .select({
      pending: sql<number>`count(*)`,
      nextRunAfter: sql<number | null>`min(case when ${jobs.status} = 'queued' then ${jobs.runAfter} end)`,
    })
    .from(jobs)
    .where(and(inArray(jobs.status, ["queued", "running"]), inArray(jobs.kind, kinds), notTargetedAtSlurm(db)))
    .get();
  return { pending: row?.pending ?? 0, nextRunAfter: row?.nextRunAfter ?? null };
}

export type JobPatch = Partial<Omit<Job, "id" | "kind" | "payload" | "createdAt">>;

export function updateJob(db: Db, id: number, patch: JobPatch, now: number): void {
  db.update(jobs)
    .set({ ...patch, updatedAt: now })
    .where(eq(jobs.id, id))
    .run();
}

export function setJobProgress(db: Db, id: number, progress: JobProgress, now: number): void {
  db.update(jobs).set({ progress, updatedAt: now }).where(eq(jobs.id, id)).run();
}

export function insertAttempt(
  db: Db,
  attempt: { jobId: number; attempt: number; leaseToken: string; workerId: number | null; logPath: string; startedAt: number },
): JobAttempt {
  return db.insert(jobAttempts).values(attempt).returning().get();
}

export function findAttemptByToken(db: Db, leaseToken: string): JobAttempt | undefined {
  return db.select().from(jobAttempts).where(eq(jobAttempts.leaseToken, leaseToken)).get();
}

export function endAttempt(db: Db, leaseToken: string, outcome: AttemptOutcome, now: number, error?: JobError): void {
  db.update(jobAttempts)
    .set({ outcome, endedAt: now, ...(error ? { error } : {}) })
    .where(and(eq(jobAttempts.leaseToken, leaseToken), eq(jobAttempts.outcome, "running")))
    .run();
}

export function listAttempts(db: Db, jobId: number): JobAttempt[] {
  return db.select().from(jobAttempts).where(eq(jobAttempts.jobId, jobId)).orderBy(asc(jobAttempts.attempt)).all();
}

export interface JobFilter {
  statuses?: JobStatus[];
  kinds?: string[];
  limit?: number;
}

/** Newest first. */
export function listJobs(db: Db, filter: JobFilter = {}): Job[] {
  const conditions = [];
  if (filter.statuses?.length) conditions.push(inArray(jobs.status, filter.statuses));
  if (filter.kinds?.length) conditions.push(inArray(jobs.kind, filter.kinds));
  return db
    .select()
    .from(jobs)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(jobs.id))
    .limit(filter.limit ?? 200)
    .all();
}

export function countJobsByStatus(db: Db): Record<JobStatus, number> {
  const rows = db
    .select({ status: jobs.status, count: sql<number>`count(*)` })
    .from(jobs)
    .groupBy(jobs.status)
    .all();
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

/** Bytes that queued and running jobs will still write: reserved against the data dir's free space. */
export function sumReservedBytes(db: Db): number {
  const row = db
    .select({ bytes: sql<number>`coalesce(sum(${jobs.estimatedBytes}), 0)` })
    .from(jobs)
    .where(inArray(jobs.status, ["queued", "running"]))
    .get();
  return row?.bytes ?? 0;
}

/** Takes exactly this job, if queued and due (call inside BEGIN IMMEDIATE): the `worker --job ID` claim. */
export function claimJobRow(db: Db, claim: { jobId: number; now: number; leaseToken: string; leaseExpiresAt: number; workerId: number | null }): Job | undefined {
  return db
    .update(jobs)
    .set({
      status: "running",
      attempts: sql`${jobs.attempts} + 1`,
      claims: sql`${jobs.claims} + 1`,
      leaseToken: claim.leaseToken,
      leaseExpiresAt: claim.leaseExpiresAt,
      workerId: claim.workerId,
      startedAt: claim.now,
      progress: null,
      updatedAt: claim.now,
    })
    .where(and(eq(jobs.id, claim.jobId), eq(jobs.status, "queued"), lte(jobs.runAfter, claim.now)))
    .returning()
    .get();
}

/** Takes the next due job among `kinds` for a worker (call inside BEGIN IMMEDIATE): one attempt more, a new lease. */
export function claimNextJob(
  db: Db,
  claim: { kinds: string[]; now: number; leaseToken: string; leaseExpiresAt: number; workerId: number | null },
): Job | undefined {
  const next = findNextDueJob(db, claim.kinds, claim.now);
  return next ? claimJobRow(db, { ...claim, jobId: next.id }) : undefined;
}

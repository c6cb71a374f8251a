import { and, desc, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../client";
import { evaluations, jobs, type Evaluation, type EvaluationOrigin, type EvaluationStatus, type JobStatus } from "../schema";

/**
 * Row-level access to evaluations. The rules (what is measured, fencing, idempotency) live in lib/eval/; these
 * run inside its write transactions.
 */
export type EvaluationTargetRef = { checkpointId: number; recipeHash?: undefined } | { recipeHash: string; checkpointId?: undefined };

export interface InsertEvaluation {
  key: string;
  evaluator: string;
  evaluatorFingerprint: string | null;
  origin: EvaluationOrigin;
  target: EvaluationTargetRef;
  status: EvaluationStatus;
  jobId?: number | null;
  rawPath?: string | null;
  sourceSha256?: string | null;
  details?: Record<string, unknown> | null;
  now: number;
}

export function findEvaluationByKey(db: Db, key: string): Evaluation | undefined {
  return db.select().from(evaluations).where(eq(evaluations.key, key)).get();
}

/** key → status, for planning what still needs to run. */
export function findEvaluationStatuses(db: Db, keys: string[]): Map<string, EvaluationStatus> {
  const found = new Map<string, EvaluationStatus>();
  const unique = [...new Set(keys)];
  for (let start = 0; start < unique.length; start += 500) {
    const rows = db.select({ key: evaluations.key, status: evaluations.status }).from(evaluations).where(inArray(evaluations.key, unique.slice(start, start + 500))).all();
    for (const row of rows) found.set(row.key, row.status);
  }
  return found;
}

/** Inserts unless the key exists; returns the row either way and whether it was new. */
export function insertEvaluationOnce(db: Db, row: InsertEvaluation): { evaluation: Evaluation; created: boolean } {
  const { target, now, ...fields } = row;
  const inserted = db
    .insert(evaluations)
    .values({
      ...fields,
      checkpointId: target.checkpointId ?? null,
      recipeHash: target.recipeHash ?? null,
      createdAt: now,
      finishedAt: row.status === "succeeded" || row.status === "failed" ? now : null,
    })
    .onConflictDoNothing({ target: evaluations.key })
    .returning()
    .get();
  return inserted ? { evaluation: inserted, created: true } : { evaluation: findEvaluationByKey(db, row.key)!, created: false };
}

export function markEvaluationQueued(db: Db, id: number, jobId: number): void {
  db.update(evaluations).set({ status: "queued", jobId, error: null, finishedAt: null }).where(eq(evaluations.id, id)).run();
}

const STATUS_FROM_JOB: Record<JobStatus, EvaluationStatus> = {
  queued: "queued",
  running: "running",
  // Success is recorded with the metrics (lib/eval/record.ts); a job that "succeeded" without them failed.
  succeeded: "failed",
  failed: "failed",
  cancelled: "failed",
};

/**
 * Mirrors the queue onto the evaluations of `jobIds` (like sweep cells): called in the same transaction as every
 * job transition. Recorded successes stay as they are.
 */
export function syncEvaluationsForJobs(db: Db, jobIds: number[], now: number): void {
  if (jobIds.length === 0) return;
  const rows = db
    .select({ id: evaluations.id, status: evaluations.status, jobStatus: jobs.status, lastError: jobs.lastError })
    .from(evaluations)
    .innerJoin(jobs, eq(evaluations.jobId, jobs.id))
    .where(and(inArray(evaluations.jobId, [...new Set(jobIds)]), ne(evaluations.status, "succeeded")))
    .all();
  for (const row of rows) {
    const status = STATUS_FROM_JOB[row.jobStatus];
    if (status === row.status) continue;
    const error = status === "failed" ? (row.lastError ?? { code: row.jobStatus, message: `the job was ${row.jobStatus}`, permanent: true }) : null;
    db.update(evaluations)
      .set({ status, error, finishedAt: status === "failed" ? now : null })
      .where(eq(evaluations.id, row.id))
      .run();
  }
}

export function markEvaluationSucceeded(
  db: Db,
  id: number,
  fields: { attempt: number | null; logPath: string | null; rawArtifactId: number | null; evaluatorFingerprint: string | null; details: Record<string, unknown>; now: number },
): void {
  const { now, ...rest } = fields;
  db.update(evaluations).set({ ...rest, status: "succeeded", error: null, finishedAt: now }).where(eq(evaluations.id, id)).run();
}


export function listEvaluationsOfTarget(db: Db, target: EvaluationTargetRef): Evaluation[] {
  const where = target.checkpointId !== undefined ? eq(evaluations.checkpointId, target.checkpointId) : eq(evaluations.recipeHash, target.recipeHash!);
  return db.select().from(evaluations).where(where).orderBy(desc(evaluations.createdAt)).all();
}

/** Jobs of the evaluations of these merged models (any status). */
export function findEvaluationJobsForRecipes(db: Db, recipeHashes: string[]): number[] {
  if (recipeHashes.length === 0) return [];
  const ids: number[] = [];
  for (let start = 0; start < recipeHashes.length; start += 500) {
    const rows = db
      .select({ jobId: evaluations.jobId })
      .from(evaluations)
      .where(inArray(evaluations.recipeHash, recipeHashes.slice(start, start + 500)))
      .all();
    for (const row of rows) if (row.jobId !== null) ids.push(row.jobId);
  }
  return ids;
}

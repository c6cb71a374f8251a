import { and, count, desc, eq, inArray, isNotNull, ne, or } from "drizzle-orm";
import type { Db } from "../client";
import { evaluations, metrics, type Metric } from "../schema";

export interface MetricInput {
  name: string;
  value: number;
  stderr: number | null;
  n: number | null;
  higherIsBetter: boolean | null;
}

/** Inserts an evaluation's metrics; a name already recorded for it is left as it is. Returns how many were new. */
export function insertMetrics(db: Db, evaluationId: number, records: MetricInput[]): number {
  let inserted = 0;
  // SQLite caps bound parameters; 500 rows × 6 columns stays well under it.
  for (let start = 0; start < records.length; start += 500) {
    const chunk = records.slice(start, start + 500).map((record) => ({ evaluationId, ...record }));
    inserted += db.insert(metrics).values(chunk).onConflictDoNothing().returning({ id: metrics.id }).all().length;
  }
  return inserted;
}

export function countMetricsOfEvaluation(db: Db, evaluationId: number): number {
  return db.select({ n: count() }).from(metrics).where(eq(metrics.evaluationId, evaluationId)).get()!.n;
}

/**
 * Deletes metrics streamed into the not-yet-succeeded evaluations of `jobIds`: whatever an attempt streamed is
 * dropped when that attempt ends without winning (or a new one starts), so no metric of a losing attempt stays.
 */
export function deleteUnfinishedEvaluationMetrics(db: Db, jobIds: number[]): number {
  if (jobIds.length === 0) return 0;
  const unfinished = db
    .select({ id: evaluations.id })
    .from(evaluations)
    .where(and(inArray(evaluations.jobId, [...new Set(jobIds)]), ne(evaluations.status, "succeeded")));
  return db.delete(metrics).where(inArray(metrics.evaluationId, unfinished)).run().changes;
}

export function listMetricsOfEvaluation(db: Db, evaluationId: number): Metric[] {
  return db.select().from(metrics).where(eq(metrics.evaluationId, evaluationId)).orderBy(metrics.name).all();
}

export interface TargetMetric extends MetricInput {
  checkpointId: number | null;
  recipeHash: string | null;
  evaluationId: number;
  evaluator: string;
  finishedAt: number | null;
}

/**
 * The latest value of every metric for the given checkpoints and recipes (MLflow's "latest metric" view):
 * succeeded evaluations only; when two evaluations scored the same name, the one that finished last wins.
 */
export function listLatestMetrics(db: Db, targets: { checkpointIds?: number[]; recipeHashes?: string[] }): TargetMetric[] {
  const checkpointIds = targets.checkpointIds ?? [];
  const recipeHashes = targets.recipeHashes ?? [];
  if (checkpointIds.length === 0 && recipeHashes.length === 0) return [];
  const rows = db
    .select({
      checkpointId: evaluations.checkpointId,
      recipeHash: evaluations.recipeHash,
      evaluationId: evaluations.id,
      evaluator: evaluations.evaluator,
      finishedAt: evaluations.finishedAt,
      name: metrics.name,
      value: metrics.value,
      stderr: metrics.stderr,
      n: metrics.n,
      higherIsBetter: metrics.higherIsBetter,
    })
    .from(metrics)
    .innerJoin(evaluations, eq(metrics.evaluationId, evaluations.id))
    .where(
      and(
        eq(evaluations.status, "succeeded"),
        or(
          checkpointIds.length ? inArray(evaluations.checkpointId, checkpointIds) : undefined,
          recipeHashes.length ? and(isNotNull(evaluations.recipeHash), inArray(evaluations.recipeHash, recipeHashes)) : undefined,
        ),
      ),
    )
    .orderBy(desc(evaluations.finishedAt), desc(evaluations.id))
    .all();
  const latest = new Map<string, TargetMetric>();
  for (const row of rows) {
    const key = `${row.checkpointId ?? ""}|${row.recipeHash ?? ""}|${row.name}`;
    if (!latest.has(key)) latest.set(key, row);
  }
  return [...latest.values()];
}

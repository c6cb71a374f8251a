import { z } from "zod";
import type { Db } from "../../db/client";
import {
  countMetricsOfEvaluation,
  findEvaluationByKey,
  findPublishedArtifactByName,
  insertEvaluationOnce,
  insertMetrics,
  markEvaluationQueued,
  markEvaluationSucceeded,
} from "../../db/queries";
import { PmaError } from "../errors";
import type { EvaluateJobPayload } from "./payload";
import { checkMetricRecord, checkUniqueNames, MAX_METRICS_PER_EVALUATION, type MetricRecord } from "./metrics";
import type { PlannedEvaluation } from "./plan";

/**
 * The server side of evaluate jobs. `recordEvaluateResult` runs INSIDE the transaction that completes the job
 * (after its lease check), so metrics exist exactly when the winning attempt's complete commits: never for a
 * losing attempt, once for a duplicate complete. The worker's result is checked like any outside input — it may
 * only write to the evaluation its own payload names.
 */
const resultSchema = z.object({
  key: z.string(),
  evaluator: z.string(),
  fingerprint: z.string(),
  metrics: z.array(z.object({ name: z.string(), value: z.number(), stderr: z.number().nullable(), n: z.number().nullable(), higherIsBetter: z.boolean().nullable() })),
  warnings: z.array(z.string()).default([]),
  details: z.record(z.string(), z.unknown()).default({}),
  raw: z.object({ name: z.string(), files: z.array(z.string()), status: z.enum(["published", "exists"]) }),
});

/** Creates (or re-queues) the evaluation rows of newly enqueued evaluate jobs, inside the enqueue transaction. */
export function recordEvaluationsQueued(tx: Db, planned: (PlannedEvaluation & { jobId: number; fingerprint: string })[], now: number): void {
  for (const p of planned) {
    const target = p.target.kind === "merge" ? { recipeHash: p.target.recipeHash } : { checkpointId: p.target.checkpointId };
    const { evaluation, created } = insertEvaluationOnce(tx, {
      key: p.key,
      evaluator: p.evaluator,
      evaluatorFingerprint: p.fingerprint,
      origin: "job",
      target,
      status: "queued",
      jobId: p.jobId,
      now,
    });
    if (!created) markEvaluationQueued(tx, evaluation.id, p.jobId);
  }
}

export function recordEvaluateResult(
  tx: Db,
  job: { id: number; payload: unknown },
  attempt: { attempt: number; logPath: string | null },
  result: unknown,
  now: number,
): { metrics: number } {
  const payload = job.payload as EvaluateJobPayload;
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) throw new PmaError("eval_result_invalid", `job #${job.id}: the worker's evaluation result is malformed (${parsed.error.issues[0].message})`);
  const outcome = parsed.data;
  if (outcome.key !== payload.key || outcome.raw.name !== payload.output || outcome.evaluator !== payload.evaluator) {
    throw new PmaError("eval_result_invalid", `job #${job.id}: the result is for another evaluation than the job's`);
  }
  const where = `job #${job.id}`;
  for (const metric of outcome.metrics) checkMetricRecord(metric, where);
  checkUniqueNames(outcome.metrics, where);
  const evaluation = findEvaluationByKey(tx, payload.key);
  if (!evaluation) throw new PmaError("eval_not_found", `job #${job.id}: no evaluation ${payload.key.slice(0, 12)} to record into`);
  const raw = findPublishedArtifactByName(tx, payload.output);
  markEvaluationSucceeded(tx, evaluation.id, {
    attempt: attempt.attempt,
    logPath: attempt.logPath,
    rawArtifactId: raw?.id ?? null,
    evaluatorFingerprint: outcome.fingerprint,
    details: { ...outcome.details, warnings: outcome.warnings, rawFiles: outcome.raw.files },
    now,
  });
  return { metrics: insertMetrics(tx, evaluation.id, outcome.metrics) };
}

/**
 * A batch of metrics an evaluate job streams while it runs (worker API `metrics`), inside the transaction that
 * checked its lease. Rows go to the job's own evaluation; a name already recorded is skipped, so a retried batch
 * has one effect. They stay invisible until the attempt completes (only succeeded evaluations are shown), and are
 * deleted if it does not (db/queries/metrics.ts, deleteUnfinishedEvaluationMetrics).
 */
export function recordMetricBatch(tx: Db, job: { id: number; kind: string; payload: unknown }, batch: MetricRecord[]): { inserted: number; duplicates: number } {
  if (job.kind !== "evaluate") throw new PmaError("metrics_not_evaluation", `job #${job.id} is a ${job.kind} job; only evaluate jobs record metrics`);
  const where = `job #${job.id}`;
  for (const metric of batch) checkMetricRecord(metric, where);
  checkUniqueNames(batch, where);
  const evaluation = findEvaluationByKey(tx, (job.payload as EvaluateJobPayload).key);
  if (!evaluation) throw new PmaError("eval_not_found", `${where}: its evaluation no longer exists`);
  if (countMetricsOfEvaluation(tx, evaluation.id) + batch.length > MAX_METRICS_PER_EVALUATION) {
    throw new PmaError("eval_too_many_metrics", `${where}: more than ${MAX_METRICS_PER_EVALUATION} metrics for one evaluation`);
  }
  const inserted = insertMetrics(tx, evaluation.id, batch);
  return { inserted, duplicates: batch.length - inserted };
}

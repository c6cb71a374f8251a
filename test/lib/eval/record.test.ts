import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase, writeTransaction, type Db } from "../../../db/client";
import { findEvaluationByKey, findEvaluationStatuses, listMetricsOfEvaluation, syncEvaluationsForJobs } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { evaluatorFingerprint, planEvaluations, type EvaluationTarget } from "../../../lib/eval/plan";
import { recordEvaluateResult, recordEvaluationsQueued } from "../../../lib/eval/record";
import { BUILTIN_EVALUATOR } from "../../../lib/eval/registry";
import { enqueueJob } from "../../../lib/jobs/queue";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { errorOf } from "./helpers";

describe("recording evaluate jobs", () => {
  let db: Db;
  let target: EvaluationTarget;

  beforeAll(async () => {
    const base = makeTempDir("pma-record-");
    const dataDir = path.join(base, "data");
    const runDir = path.join(base, "ckpt");
    db = openDatabase(path.join(dataDir, "db.sqlite"));
    await writeCheckpoint(path.join(runDir, "step-10"), { tensors: llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 }) });
    const scan = await registerCheckpoints(db, { dataDir, databasePath: "", roots: [dataDir, runDir] }, { directory: runDir, run: "r" });
    target = { kind: "checkpoint", checkpointId: 1, fingerprint: String(scan.checkpoints[0].bytes) };
  });

  it("plans, queues, records once, and skips it next time", () => {
    const plan = planEvaluations([BUILTIN_EVALUATOR], [target], findEvaluationStatuses(db, []));
    expect(plan.toRun).toHaveLength(1);
    const [planned] = plan.toRun;
    const payload = { evaluator: planned.evaluator, key: planned.key, target: { ...target, path: "/x" }, output: `evals/${planned.key}` };
    const job = writeTransaction(db, (tx) => {
      const row = enqueueJob(tx, { kind: "noop", payload: {} });
      recordEvaluationsQueued(tx, [{ ...planned, jobId: row.id, fingerprint: evaluatorFingerprint(BUILTIN_EVALUATOR) }], 1000);
      return row;
    });
    expect(findEvaluationStatuses(db, [planned.key]).get(planned.key)).toBe("queued");
    const result = {
      key: planned.key,
      evaluator: planned.evaluator,
      fingerprint: "f",
      metrics: [{ name: "heldout/loss", value: 5.5, stderr: null, n: 128, higherIsBetter: false }],
      raw: { name: payload.output, files: ["metrics.json"], status: "published" },
    };
    const first = writeTransaction(db, (tx) => recordEvaluateResult(tx, { id: job.id, payload }, { attempt: 1, logPath: "logs/x" }, result, 2000));
    const duplicate = writeTransaction(db, (tx) => recordEvaluateResult(tx, { id: job.id, payload }, { attempt: 1, logPath: "logs/x" }, result, 3000));
    expect([first.metrics, duplicate.metrics]).toEqual([1, 0]);
    const evaluation = findEvaluationByKey(db, planned.key)!;
    expect(evaluation).toMatchObject({ status: "succeeded", attempt: 1, logPath: "logs/x" });
    expect(listMetricsOfEvaluation(db, evaluation.id)).toHaveLength(1);
    expect(planEvaluations([BUILTIN_EVALUATOR], [target], findEvaluationStatuses(db, [planned.key])).toRun).toHaveLength(0);

    // A worker may only write into the evaluation its payload names, and only valid numbers.
    const other = { ...result, key: "0".repeat(64) };
    expect(errorOf(() => writeTransaction(db, (tx) => recordEvaluateResult(tx, { id: job.id, payload }, { attempt: 1, logPath: null }, other, 1))).code).toBe("eval_result_invalid");
    const nan = { ...result, metrics: [{ ...result.metrics[0], value: NaN }] };
    expect(errorOf(() => writeTransaction(db, (tx) => recordEvaluateResult(tx, { id: job.id, payload }, { attempt: 1, logPath: null }, nan, 1))).code).toBe("eval_result_invalid");
    const negative = { ...result, metrics: [{ ...result.metrics[0], stderr: -1 }] };
    expect(errorOf(() => writeTransaction(db, (tx) => recordEvaluateResult(tx, { id: job.id, payload }, { attempt: 1, logPath: null }, negative, 1))).code).toBe("eval_metric_invalid");

    // A recorded success is not undone by the job's later transitions.
    db.$client.prepare("update jobs set status = 'failed' where id = ?").run(job.id);
    writeTransaction(db, (tx) => syncEvaluationsForJobs(tx, [job.id], 4000));
    expect(findEvaluationByKey(db, planned.key)!.status).toBe("succeeded");
  });
});

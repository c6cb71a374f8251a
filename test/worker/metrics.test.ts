import { describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { findEvaluationByKey, listLatestMetrics, listMetricsOfEvaluation } from "../../db/queries";
import type { EvaluateJobPayload } from "../../lib/eval/payload";
import { enqueueJob } from "../../lib/jobs/queue";
import { createWorkerToken } from "../../lib/jobs/tokens";
import { prepareLoadFixture } from "../../scripts/bench/load/fixture";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { checkInvariants } from "./helpers/invariants";
import { startApiServer } from "./helpers/server";
import { sleep } from "./helpers/spawn";

const registration = { name: "probe", host: "probe-host", pid: null, cpus: 1, memory: 1, gpus: [], slots: { cpu: 1, gpus: [] }, heartbeatEveryMs: 1000 };
type Claimed = { id: number; leaseToken: string; attempt: number; payload: EvaluateJobPayload };

const batch = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `train/loss@${from + i}`, value: 2 - (from + i) / 1000, higherIsBetter: false }));

describe("streamed metrics (worker API `metrics`)", () => {
  it("are fenced by the lease, one effect per duplicate batch, dropped with a losing attempt, kept with the winner", async () => {
    const dataDir = makeTempDir("pma-metrics-");
    const fixture = await prepareLoadFixture(dataDir, 1);
    const db = openDatabase(`${dataDir}/pma-lab.sqlite`);
    const server = await startApiServer(db, dataDir);
    const call = async (action: string, body: unknown, token = fixture.workerToken) => {
      const response = await fetch(`${server.url}/api/worker/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
    };
    try {
      const { workerId } = (await call("register", registration)).body as { workerId: number };
      const first = (await call("claim", { workerId, kinds: ["evaluate"], leaseMs: 2_000 })).body.job as Claimed;
      const evaluation = findEvaluationByKey(db, first.payload.key)!;
      const lease = { jobId: first.id, leaseToken: first.leaseToken };
      const expiresAt = (first as Claimed & { leaseExpiresAt: number }).leaseExpiresAt;

      expect((await call("metrics", { ...lease, metrics: batch(0, 100) })).body).toEqual({ inserted: 100, duplicates: 0 });
      // The same batch again (a retry after a timeout): nothing twice.
      expect((await call("metrics", { ...lease, metrics: batch(0, 100) })).body).toEqual({ inserted: 0, duplicates: 100 });
      expect(listMetricsOfEvaluation(db, evaluation.id)).toHaveLength(100);
      // Not shown anywhere until the attempt wins.
      expect(listLatestMetrics(db, { checkpointIds: [evaluation.checkpointId!] })).toEqual([]);

      // Refusals: another token, bad numbers or names, duplicate names in a batch, oversized batches.
      const other = createWorkerToken(db, "other").token;
      expect((await call("metrics", { ...lease, metrics: batch(100, 1) }, other)).status).toBe(409);
      expect((await call("metrics", { ...lease, metrics: [{ name: "bad\nname", value: 1 }] })).body.error?.code).toBe("eval_metric_invalid");
      expect((await call("metrics", { ...lease, metrics: [{ name: "x", value: "1" }] })).body.error?.code).toBe("invalid_request");
      expect((await call("metrics", { ...lease, metrics: [...batch(5, 1), ...batch(5, 1)] })).body.error?.code).toBe("eval_metric_duplicate");
      expect((await call("metrics", { ...lease, metrics: batch(0, 1001) })).body.error?.code).toBe("invalid_request");
      expect(listMetricsOfEvaluation(db, evaluation.id)).toHaveLength(100);

      // The attempt loses its lease: its batches are refused and what it streamed is gone once another takes over.
      await sleep(Math.max(0, expiresAt - Date.now()) + 100);
      expect((await call("metrics", { ...lease, metrics: batch(100, 10) })).status).toBe(409);
      let second: Claimed | null = null;
      for (let tries = 0; !second && tries < 100; tries++) {
        second = ((await call("claim", { workerId, kinds: ["evaluate"], leaseMs: 30_000 })).body.job as Claimed | null) ?? null;
        if (!second) await sleep(20);
      }
      expect(second!.id).toBe(first.id);
      expect(listMetricsOfEvaluation(db, evaluation.id)).toEqual([]);

      // The winner streams and completes: its metrics (streamed and in the result) are the evaluation's.
      const winner = { jobId: second!.id, leaseToken: second!.leaseToken };
      expect((await call("metrics", { ...winner, metrics: batch(0, 50) })).body).toEqual({ inserted: 50, duplicates: 0 });
      const result = {
        key: second!.payload.key,
        evaluator: second!.payload.evaluator,
        fingerprint: "f",
        metrics: [{ name: "heldout/loss", value: 1.9, stderr: null, n: 128, higherIsBetter: false }],
        raw: { name: second!.payload.output, files: [], status: "exists" },
      };
      expect((await call("complete", { ...winner, result })).body).toEqual({ duplicate: false });
      expect(findEvaluationByKey(db, first.payload.key)).toMatchObject({ status: "succeeded", attempt: 2 });
      expect(listMetricsOfEvaluation(db, evaluation.id)).toHaveLength(51);
      expect(listLatestMetrics(db, { checkpointIds: [evaluation.checkpointId!] })).toHaveLength(51);
      // After the job ended, nothing more gets in.
      expect((await call("metrics", { ...winner, metrics: batch(50, 1) })).status).toBe(409);

      // Only evaluate jobs record metrics.
      enqueueJob(db, { kind: "noop", payload: { sleepMs: 0 } });
      const noop = (await call("claim", { workerId, kinds: ["noop"], leaseMs: 30_000 })).body.job as Claimed;
      expect((await call("metrics", { jobId: noop.id, leaseToken: noop.leaseToken, metrics: batch(0, 1) })).body.error?.code).toBe("metrics_not_evaluation");
      checkInvariants(db, dataDir);
    } finally {
      await server.close();
    }
  });
});

import { describe, expect, it } from "vitest";
import { writeTransaction, type Db } from "../../db/client";
import { findJobById, insertSubmission, insertTasks, listAttempts, listPublishedArtifacts, updateSubmission } from "../../db/queries";
import { claimJob, enqueueJob } from "../../lib/jobs/queue";
import { createWorkerToken, createWorkerTokenIn } from "../../lib/jobs/tokens";
import { revokeSubmissionToken } from "../../lib/slurm/tokens";
import { targetJobsIn } from "../../lib/slurm/target";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "../worker/helpers/invariants";
import { startApiServer } from "../worker/helpers/server";
import { spawnWorker, until, type WorkerProcess } from "../worker/helpers/spawn";

/** What the submitter stores for one sbatch call, without Slurm: targets, a submission, its tasks and token. */
function submission(db: Db, jobIds: number[]): { id: number; token: string } {
  return writeTransaction(db, (tx) => {
    targetJobsIn(tx, jobIds, { sweepId: null, settings: {} });
    const row = insertSubmission(tx, { name: "test", kind: "noop", sweepId: null, isArray: jobIds.length > 1, request: { timeMinutes: 10, cpus: 1, memMiB: 1024, gpus: 0, extra: [] }, script: "", tokenId: null, now: Date.now() });
    const token = createWorkerTokenIn(tx, `slurm-submission-${row.id}`);
    updateSubmission(tx, row.id, { tokenId: token.id, state: "submitted", slurmJobId: "1" });
    insertTasks(tx, jobIds.map((jobId, i) => ({ submissionId: row.id, jobId, arrayIndex: jobIds.length > 1 ? i : null })), Date.now());
    return { id: row.id, token: token.token };
  });
}

async function call(url: string, action: string, body: unknown, token: string) {
  const response = await fetch(`${url}/api/worker/${action}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

/** `worker --job --json` prints the single job's figures. */
function outcomeOf(worker: WorkerProcess): string {
  return (JSON.parse(worker.stdout()) as { outcome: string }).outcome;
}

const registration = { name: "probe", host: "node-1", pid: null, cpus: 1, memory: 1, gpus: [], slots: { cpu: 1, gpus: [] }, heartbeatEveryMs: 1000 };

describe("jobs on Slurm belong to their submission", () => {
  it("no worker picks a Slurm job up; a submission's token claims only its own jobs, by id, until it is revoked", async () => {
    const { db, dataDir } = tempDataDir("pma-slurm-scope-");
    const server = await startApiServer(db, dataDir);
    try {
      const onSlurm = enqueueJob(db, { kind: "noop", payload: {} }).id;
      const other = enqueueJob(db, { kind: "noop", payload: {} }).id;
      const sub = submission(db, [onSlurm]);
      // Local claims skip it (and count it as nothing pending for --exit-when-idle).
      const local = claimJob(db, { workerId: null, kinds: ["noop"], leaseMs: 5000 });
      expect(local.job?.id).toBe(other);
      expect(claimJob(db, { workerId: null, kinds: ["noop"], leaseMs: 5000 })).toMatchObject({ job: null, pending: 1 });

      const plain = createWorkerToken(db, "box").token;
      const plainWorker = (await call(server.url, "register", registration, plain)).body.workerId;
      const refused = await call(server.url, "claim-job", { workerId: plainWorker, jobId: onSlurm, leaseMs: 5000 }, plain);
      expect(refused).toMatchObject({ status: 403, body: { error: { code: "forbidden", message: expect.stringContaining("runs on Slurm") } } });

      const workerId = (await call(server.url, "register", registration, sub.token)).body.workerId;
      expect((await call(server.url, "claim", { workerId, kinds: ["noop"], leaseMs: 5000 }, sub.token)).status).toBe(403);
      expect((await call(server.url, "claim-job", { workerId, jobId: other, leaseMs: 5000 }, sub.token)).status).toBe(403);
      const claimed = await call(server.url, "claim-job", { workerId, jobId: onSlurm, leaseMs: 5000 }, sub.token);
      expect(claimed).toMatchObject({ status: 200, body: { status: "running", job: { id: onSlurm } } });
      // Asked again while it holds the job: not claimable, and the answer says until when.
      const again = await call(server.url, "claim-job", { workerId, jobId: onSlurm, leaseMs: 5000 }, sub.token);
      expect(again.body).toMatchObject({ job: null, status: "running", leaseExpiresAt: expect.any(Number) });

      writeTransaction(db, (tx) => revokeSubmissionToken(tx, sub.id));
      expect((await call(server.url, "worker-heartbeat", { workerId }, sub.token)).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("two copies of the same Slurm task (duplicated, or requeued after a kill) publish exactly once", async () => {
    const { db, dataDir } = tempDataDir("pma-slurm-dup-");
    const server = await startApiServer(db, dataDir);
    try {
      const job = enqueueJob(db, { kind: "noop", payload: { sleepMs: 1_500, publish: { name: "once", bytes: 1024 } } }).id;
      const sub = submission(db, [job]);
      const env = { PMA_LAB_WORKER_TOKEN: sub.token, PMA_LAB_ROOTS: dataDir };
      const args = ["--job", String(job), "--server", server.url, "--lease-seconds", "1", "--poll-ms", "100"];
      // The first copy is killed while it holds the lease, like a node lost under it; Slurm would start it again.
      const first = spawnWorker(dataDir, args, env);
      await until(() => listAttempts(db, job).some((attempt) => attempt.outcome === "running"), 30_000);
      first.child.kill("SIGKILL");
      await first.exited;
      // Two copies now: one waits out the dead lease and runs the job, the other finds nothing left to do.
      const second = spawnWorker(dataDir, args, env);
      const third = spawnWorker(dataDir, args, env);
      const [a, b] = await Promise.all([second.exited, third.exited]);
      expect([a.code, b.code], second.stderr() + third.stderr()).toEqual([0, 0]);
      const outcomes = [outcomeOf(second), outcomeOf(third)].sort();
      expect(outcomes).toEqual(["nothing_to_do", "succeeded"]);
      expect(second.stderr() + third.stderr()).toMatch(/held by another attempt; waiting/);
      expect(findJobById(db, job)?.status).toBe("succeeded");
      expect(listAttempts(db, job).map((attempt) => attempt.outcome)).toEqual(["expired", "succeeded"]);
      expect(listPublishedArtifacts(db).filter((artifact) => artifact.name === "test/once")).toHaveLength(1);
      checkInvariants(db, dataDir);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("SIGTERM abandons the attempt: nothing reported, the lease left for the submitter to settle", async () => {
    const { db, dataDir } = tempDataDir("pma-slurm-term-");
    const server = await startApiServer(db, dataDir);
    try {
      const job = enqueueJob(db, { kind: "noop", payload: { sleepMs: 30_000 } }).id;
      const sub = submission(db, [job]);
      const worker = spawnWorker(dataDir, ["--job", String(job), "--server", server.url, "--lease-seconds", "30"], { PMA_LAB_WORKER_TOKEN: sub.token });
      await until(() => listAttempts(db, job).some((attempt) => attempt.outcome === "running"), 30_000);
      worker.child.kill("SIGTERM");
      const exit = await worker.exited;
      expect(exit.code, worker.stderr()).toBe(143);
      expect(outcomeOf(worker)).toBe("abandoned");
      expect(findJobById(db, job)).toMatchObject({ status: "running" });
      expect(listAttempts(db, job).map((attempt) => attempt.outcome)).toEqual(["running"]);
    } finally {
      await server.close();
    }
  }, 60_000);
});

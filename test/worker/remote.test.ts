import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { findWorkerById, listAttempts, listPublishedArtifacts } from "../../db/queries";
import { enqueueJob } from "../../lib/jobs/queue";
import { createWorkerToken, revokeToken } from "../../lib/jobs/tokens";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "./helpers/invariants";
import { startApiServer } from "./helpers/server";
import { sleep, spawnWorker, until } from "./helpers/spawn";

async function call(url: string, action: string, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/worker/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
}

const registration = { name: "probe", host: "probe-host", pid: null, cpus: 1, memory: 1, gpus: [], slots: { cpu: 1, gpus: [] }, heartbeatEveryMs: 1000 };

describe("remote workers over HTTP", () => {
  it("authenticates every call, answers 409 to stale leases and one effect to a duplicate complete", async () => {
    const { db, dataDir } = tempDataDir("pma-api-");
    const server = await startApiServer(db, dataDir);
    try {
      const { token } = createWorkerToken(db, "box-a");
      const other = createWorkerToken(db, "box-b").token;
      expect((await call(server.url, "claim", {})).status).toBe(401);
      expect((await call(server.url, "claim", {}, `${token.slice(0, -1)}x`)).status).toBe(401);
      expect((await call(server.url, "claim", {}, "pmaw_1_short")).status).toBe(401);
      expect((await call(server.url, "register", registration, token, { origin: "http://evil.example" })).status).toBe(403);
      expect((await call(server.url, "nope", {}, token)).status).toBe(404);
      expect((await call(server.url, "claim", { workerId: "x" }, token)).body.error?.code).toBe("invalid_request");

      const { workerId } = (await call(server.url, "register", registration, token)).body as { workerId: number };
      expect(findWorkerById(db, workerId)).toMatchObject({ mode: "remote", host: "probe-host" });
      const otherWorker = (await call(server.url, "register", registration, other)).body.workerId as number;
      expect((await call(server.url, "claim", { workerId, kinds: ["noop"], leaseMs: 1000 }, other)).status).toBe(403);

      const job = enqueueJob(db, { kind: "noop", payload: {} });
      const claimed = (await call(server.url, "claim", { workerId, kinds: ["noop"], leaseMs: 300 }, token)).body.job as { id: number; leaseToken: string };
      expect(claimed.id).toBe(job.id);
      // Another token cannot use this lease, even knowing it.
      expect((await call(server.url, "complete", { jobId: job.id, leaseToken: claimed.leaseToken, result: 1 }, other)).status).toBe(409);
      await sleep(400);
      const stale = await call(server.url, "heartbeat", { jobId: job.id, leaseToken: claimed.leaseToken, leaseMs: 1000 }, token);
      expect(stale).toMatchObject({ status: 409, body: { error: { code: "lease_lost", details: { reason: "expired" } } } });
      expect((await call(server.url, "complete", { jobId: job.id, leaseToken: claimed.leaseToken, result: 1 }, token)).status).toBe(409);

      type Claimed = { id: number; leaseToken: string };
      let again: Claimed | null = null as Claimed | null;
      for (let tries = 0; !again && tries < 50; tries++) {
        again = (await call(server.url, "claim", { workerId: otherWorker, kinds: ["noop"], leaseMs: 5000 }, other)).body.job as Claimed | null; // after the back-off
        if (!again) await sleep(20);
      }
      if (!again) throw new Error("the expired job was never handed out again");
      const done = { jobId: again.id, leaseToken: again.leaseToken, result: { n: 1 } };
      expect((await call(server.url, "complete", done, other)).body).toEqual({ duplicate: false });
      expect((await call(server.url, "complete", { ...done, result: { n: 2 } }, other)).body).toEqual({ duplicate: true });
      expect(listAttempts(db, job.id).map((a) => a.outcome)).toEqual(["expired", "succeeded"]);

      revokeToken(db, "box-a");
      expect((await call(server.url, "worker-heartbeat", { workerId }, token)).status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it("a remote worker (HTTP only, mapped paths) shares the queue with a local one and rides out a server restart", async () => {
    const { db, dataDir } = tempDataDir("pma-remote-");
    let server = await startApiServer(db, dataDir);
    const { token } = createWorkerToken(db, "remote-1");
    // The remote host mounts the server's data dir elsewhere; it has its own (empty) data dir.
    const view = path.join(makeTempDir("pma-view-"), "mnt");
    fs.symlinkSync(dataDir, view);
    const ownDataDir = makeTempDir("pma-remote-own-");
    writeTransaction(db, (tx) => {
      for (let i = 0; i < 60; i++) enqueueJob(tx, { kind: "noop", payload: { sleepMs: 40 } });
      enqueueJob(tx, { kind: "noop", payload: { publish: { name: "from-anywhere", bytes: 2048 } }, priority: -1 });
    });
    const remote = spawnWorker(ownDataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "3", "--server", server.url, "--path-map", `${dataDir}=${view}`], {
      PMA_LAB_WORKER_TOKEN: token,
      PMA_LAB_ROOTS: view,
    });
    await remote.waitFor(/worker #\d+ \(/);
    const local = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "3"]);
    // Restart the server under load.
    await until(() => (db.$client.prepare("select count(*) as n from jobs where status = 'succeeded'").get() as { n: number }).n >= 10);
    await server.close();
    await sleep(1_000);
    server = await startApiServer(db, dataDir, Number(new URL(server.url).port));
    try {
      const [remoteExit, localExit] = await Promise.all([remote.exited, local.exited]);
      expect(remoteExit.code, remote.stderr()).toBe(0);
      expect(localExit.code, local.stderr()).toBe(0);
      const remoteStats = remote.stats();
      const localStats = local.stats();
      expect(remoteStats.claimed).toBeGreaterThan(0);
      expect(localStats.claimed).toBeGreaterThan(0);
      expect(remoteStats.claimed + localStats.claimed).toBe(61);
      expect(remoteStats.errors.concat(localStats.errors)).toEqual([]);
      expect(remote.stderr()).toMatch(/server unreachable/);
      expect(db.$client.prepare("select status, count(*) as n from jobs group by status").all()).toEqual([{ status: "succeeded", n: 61 }]);
      expect(listPublishedArtifacts(db)).toEqual([expect.objectContaining({ name: "test/from-anywhere", bytes: 2048 })]);
      expect(fs.existsSync(path.join(ownDataDir, "pma-lab.sqlite"))).toBe(false); // it never opened a database
      checkInvariants(db, dataDir);
    } finally {
      await server.close();
    }
  }, 60_000);
});

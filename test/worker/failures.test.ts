import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, listAttempts, listPublishedArtifacts } from "../../db/queries";
import { claimJob, completeJob, enqueueJob } from "../../lib/jobs/queue";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "./helpers/invariants";
import { sleep, spawnWorker, until } from "./helpers/spawn";

const fast = ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "1"];

function partials(dataDir: string): string[] {
  const dir = path.join(dataDir, "artifacts", "test");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((entry) => entry.includes(".partial-")) : [];
}

describe("worker failures (real processes, 1 s leases)", () => {
  it("kill -9 mid-job: re-leased after expiry, published once with the same bytes, no partial registered", async () => {
    const { db, dataDir } = tempDataDir("pma-kill-");
    const job = enqueueJob(db, { kind: "noop", payload: { sleepMs: 1_500, publish: { name: "out", bytes: 4096 } } });
    const victim = spawnWorker(dataDir, fast);
    await until(() => partials(dataDir).length === 1);
    victim.child.kill("SIGKILL");
    expect((await victim.exited).signal).toBe("SIGKILL");
    expect(findJobById(db, job.id)!.status).toBe("running"); // nobody has noticed yet
    const rescuer = spawnWorker(dataDir, fast);
    expect((await rescuer.exited).code).toBe(0);
    expect(rescuer.stats().outcomes.succeeded).toBe(1);
    const done = findJobById(db, job.id)!;
    expect(done).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(listAttempts(db, job.id).map((a) => a.outcome)).toEqual(["expired", "succeeded"]);
    const [artifact] = listPublishedArtifacts(db);
    expect(artifact).toMatchObject({ name: "test/out", attempt: 2, bytes: 4096, sha256: (done.result as { sha256: string }).sha256 });
    expect(partials(dataDir)).toEqual([]);
    checkInvariants(db, dataDir);
  });

  it("SIGSTOP past the lease while another takes over: the stale worker is refused, changes nothing and cleans up", async () => {
    const { db, dataDir } = tempDataDir("pma-stop-");
    const job = enqueueJob(db, { kind: "noop", payload: { sleepMs: 3_000, publish: { name: "out", bytes: 100 } } });
    const stale = spawnWorker(dataDir, fast);
    await until(() => partials(dataDir).length === 1);
    stale.child.kill("SIGSTOP");
    await sleep(1_300);
    // Another worker (this test process, through the same queue) takes the job over.
    const takeover = await until(() => claimJob(db, { workerId: null, kinds: ["noop"], leaseMs: 30_000 }).job);
    expect(takeover.attempt).toBe(2);
    const before = findJobById(db, job.id)!;
    stale.child.kill("SIGCONT");
    await stale.waitFor(/lease lost/);
    // Its partial is gone, and the job is exactly as the new holder left it.
    await until(() => partials(dataDir).length === 0);
    expect(findJobById(db, job.id)).toEqual(before);
    expect(listPublishedArtifacts(db)).toEqual([]);
    expect(listAttempts(db, job.id).map((a) => a.outcome)).toEqual(["expired", "running"]);
    completeJob(db, { jobId: job.id, leaseToken: takeover.leaseToken, result: { by: "takeover" } });
    expect((await stale.exited).code).toBe(0);
    expect(stale.stats().outcomes).toMatchObject({ lease_lost: 1, succeeded: 0 });
    expect(findJobById(db, job.id)!.result).toEqual({ by: "takeover" });
    checkInvariants(db, dataDir);
  });

  it("a poison job that kills its worker every time ends failed after max attempts", async () => {
    const { db, dataDir } = tempDataDir("pma-poison-");
    const job = enqueueJob(db, { kind: "noop", payload: { crash: true }, maxAttempts: 3 });
    const exits = [];
    for (let round = 0; round < 6 && findJobById(db, job.id)!.status !== "failed"; round++) {
      const worker = spawnWorker(dataDir, fast);
      exits.push((await worker.exited).signal ?? "exit 0");
    }
    expect(exits).toEqual(["SIGKILL", "SIGKILL", "SIGKILL", "exit 0"]);
    const failed = findJobById(db, job.id)!;
    expect(failed).toMatchObject({ status: "failed", attempts: 3, lastError: { code: "lease_expired" } });
    expect(failed.lastError!.message).toMatch(/gave up after 3 of 3 attempts/);
    checkInvariants(db, dataDir);
  });

  it("SIGTERM finishes the running job then exits; a second SIGTERM hands it back at once", async () => {
    const { db, dataDir } = tempDataDir("pma-term-");
    const gentle = enqueueJob(db, { kind: "noop", payload: { sleepMs: 1_000 } });
    const worker = spawnWorker(dataDir, ["--poll-ms", "50", "--lease-seconds", "1"]);
    await until(() => findJobById(db, gentle.id)!.status === "running");
    worker.child.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    expect(findJobById(db, gentle.id)!.status).toBe("succeeded");

    const long = enqueueJob(db, { kind: "noop", payload: { sleepMs: 60_000, publish: { name: "long", bytes: 10 } } });
    const second = spawnWorker(dataDir, ["--poll-ms", "50", "--lease-seconds", "1"]);
    await until(() => partials(dataDir).length === 1);
    const stopped = Date.now();
    second.child.kill("SIGTERM");
    await second.waitFor(/finishing the running job/);
    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(5_000);
    expect(second.stats().outcomes.released).toBe(1);
    expect(findJobById(db, long.id)).toMatchObject({ status: "queued", attempts: 0 });
    expect(listAttempts(db, long.id).map((a) => a.outcome)).toEqual(["released"]);
    expect(partials(dataDir)).toEqual([]);
    checkInvariants(db, dataDir);
  });
});

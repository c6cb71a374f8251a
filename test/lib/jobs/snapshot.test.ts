import { describe, expect, it } from "vitest";
import { claimJob, enqueueJob, reportProgress } from "../../../lib/jobs/queue";
import { JobService } from "../../../lib/jobs/service";
import { jobsSnapshot } from "../../../lib/jobs/snapshot";
import { createSnapshotStream } from "../../../lib/jobs/stream";
import { tempDataDir } from "./helpers";

describe("live progress", () => {
  it("snapshots the queue, running jobs with progress and the workers, and streams them as server-sent events", async () => {
    const { db, dataDir } = tempDataDir();
    const service = new JobService(db, dataDir, { backoff: { baseMs: 10, maxMs: 10 } });
    const { workerId } = service.registerWorker(
      { name: "w1", host: "h", pid: 1, cpus: 16, memory: 1 << 30, gpus: [{ index: 0, name: "NVIDIA H200", memory: 1 }], slots: { cpu: 1, gpus: [0] }, heartbeatEveryMs: 1000 },
      { mode: "local", tokenId: null },
    );
    enqueueJob(db, { kind: "noop", payload: { sleepMs: 5 } });
    enqueueJob(db, { kind: "noop", payload: {} });
    const claimed = claimJob(db, { workerId, kinds: ["noop"], leaseMs: 10_000 }).job!;
    reportProgress(db, { jobId: claimed.id, leaseToken: claimed.leaseToken, progress: { phase: "merging", bytesDone: 50, bytesTotal: 200, rate: 25, etaSeconds: 6 } });
    const snapshot = jobsSnapshot(db, { dataDir });
    expect(snapshot.counts).toMatchObject({ queued: 1, running: 1 });
    expect(snapshot.running[0]).toMatchObject({ id: claimed.id, worker: "w1", progress: { phase: "merging", bytesDone: 50, etaSeconds: 6 } });
    expect(snapshot.workers[0]).toMatchObject({ name: "w1", healthy: true, gpus: [{ name: "NVIDIA H200" }] });
    expect(snapshot.workers[0]).not.toHaveProperty("tokenId");
    expect(snapshot.disk?.dataDir).toBe(dataDir);

    const abort = new AbortController();
    const reader = createSnapshotStream(db, dataDir, abort.signal, 50).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: /);
    expect(JSON.parse(first.slice(6)).running[0].progress.bytesTotal).toBe(200);
    const idle = new TextDecoder().decode((await reader.read()).value);
    expect(idle).toBe(": idle\n\n");
    abort.abort();
    expect((await reader.read()).done).toBe(true);
  });
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findRunByName, listJobs, listSweeps } from "../../db/queries";
import { ensureDemoSweep } from "../../lib/lab/demo";
import { LAB_SCALES } from "../../lib/lab/scales";
import { enqueueJob } from "../../lib/jobs/queue";
import { tempDataDir } from "../lib/jobs/helpers";
import { spawnWorker, until } from "./helpers/spawn";

const WORKER_ARGS = ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "1"];

/**
 * The lab as a job, end to end at the `tiny` scale: a real `pma-lab worker` process trains it (two trainer
 * processes), registering runs as checkpoints appear; it is killed with SIGKILL mid-lab, the lease expires, a
 * second worker re-claims the job and resumes from the last complete checkpoints; on success the job creates
 * the demo sweep, once.
 */
describe("the lab-train job", () => {
  it("registers runs and branches live, resumes after the worker is killed, and creates the demo sweep once", async () => {
    const { db, dataDir } = tempDataDir("pma-lab-job-");
    const sql = db.$client;
    const job = enqueueJob(db, { kind: "lab-train", payload: { scale: "tiny", dir: "lab/tiny", demoSweep: true } });
    const registered = (run: string) =>
      (sql.prepare("select count(*) as n from checkpoints c join runs r on r.id = c.run_id where r.name = ?").get(run) as { n: number }).n;

    const first = spawnWorker(dataDir, WORKER_ARGS);
    // Main's checkpoints show up while the job runs (the UI's live view), well before the lab ends.
    await until(() => registered("lab-tiny/main") >= 4, 30_000);
    expect(sql.prepare("select status from jobs where id = ?").get(job.id)).toEqual({ status: "running" });
    const firstCheckpoint = path.join(dataDir, "lab", "tiny", "main", "step-5", "model.safetensors");
    const writtenAt = fs.statSync(firstCheckpoint).mtimeMs;
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    const mainBefore = registered("lab-tiny/main");

    const second = spawnWorker(dataDir, WORKER_ARGS);
    // The sweep's merges and evaluations follow on the same worker; the lab job is what this test is about.
    await until(() => (sql.prepare("select status from jobs where id = ?").get(job.id) as { status: string }).status === "succeeded", 60_000, 100);
    second.child.kill("SIGKILL");
    await second.exited;

    const row = sql.prepare("select attempts, result from jobs where id = ?").get(job.id) as { attempts: number; result: string };
    expect(row.attempts).toBe(2);
    const result = JSON.parse(row.result);
    expect(result).toMatchObject({ complete: true, sweepId: expect.any(Number) });
    expect(result.runs).toEqual(expect.arrayContaining(["lab-tiny/main", "lab-tiny/annealed-40", "lab-tiny/annealed-55", "lab-tiny/unstable"]));
    // The second attempt resumed: main's earlier checkpoints were kept, not retrained from scratch.
    expect(fs.statSync(firstCheckpoint).mtimeMs).toBe(writtenAt);
    expect(registered("lab-tiny/main")).toBeGreaterThanOrEqual(mainBefore);
    expect(registered("lab-tiny/main")).toBe(80 / 5);

    const main = findRunByName(db, "lab-tiny/main")!;
    for (const [name, fork] of [
      ["lab-tiny/annealed-40", 40],
      ["lab-tiny/annealed-55", 55],
    ] as const) {
      expect(findRunByName(db, name)).toMatchObject({ parentRunId: main.id, forkTokens: fork * 64, kind: "annealed" });
      expect(registered(name)).toBe(20 / 5);
    }
    // Training logs came in with the checkpoints.
    expect((sql.prepare("select count(*) as n from training_logs t join runs r on r.id = t.run_id where r.name = 'lab-tiny/main'").get() as { n: number }).n).toBeGreaterThan(0);

    // Exactly one demo sweep, however often the follow-up runs.
    expect(listSweeps(db, { runId: main.id })).toHaveLength(1);
    expect(ensureDemoSweep(db, LAB_SCALES.tiny, dataDir)).toEqual({ sweepId: result.sweepId, created: false });
    expect(listSweeps(db, { runId: main.id })).toHaveLength(1);
    expect(listJobs(db, { kinds: ["sweep-pass"] }).length).toBeGreaterThan(0);
  }, 90_000);
});

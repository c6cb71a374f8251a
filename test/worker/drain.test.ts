import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { enqueueJob } from "../../lib/jobs/queue";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "./helpers/invariants";
import { spawnWorker } from "./helpers/spawn";

const WORKERS = 8;
const JOBS = 500;

describe("draining the queue with many worker processes", () => {
  it(`${WORKERS} workers × ${JOBS} no-op jobs: each runs exactly once, no lock error reaches a client`, async () => {
    const { db, dataDir } = tempDataDir("pma-drain-");
    writeTransaction(db, (tx) => {
      for (let i = 0; i < JOBS; i++) enqueueJob(tx, { kind: "noop", payload: {} });
    });
    const started = Date.now();
    const workers = Array.from({ length: WORKERS }, () => spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "10"]));
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    const seconds = (Date.now() - started) / 1000;
    for (const [i, exit] of exits.entries()) expect(exit, workers[i].stderr()).toEqual({ code: 0, signal: null });
    const stats = workers.map((worker) => worker.stats());
    expect(stats.flatMap((s) => s.errors)).toEqual([]);
    expect(stats.reduce((total, s) => total + s.claimed, 0)).toBe(JOBS);
    expect(stats.reduce((total, s) => total + s.outcomes.succeeded, 0)).toBe(JOBS);
    const sql = db.$client;
    expect(sql.prepare("select status, count(*) as n from jobs group by status").all()).toEqual([{ status: "succeeded", n: JOBS }]);
    expect(sql.prepare("select count(*) as n from job_attempts").get()).toEqual({ n: JOBS });
    expect(sql.prepare("select count(*) as n from jobs where attempts <> 1").get()).toEqual({ n: 0 });
    expect(workers.map((worker) => worker.stderr()).join("")).not.toMatch(/SQLITE_BUSY|database is locked/i);
    checkInvariants(db, dataDir);
    const busiest = Math.max(...stats.map((s) => s.seconds));
    console.log(
      `queue drain: ${WORKERS} workers, ${JOBS} jobs in ${seconds.toFixed(2)} s wall (incl. process start) = ${(JOBS / seconds).toFixed(0)} jobs/s; ` +
        `longest worker loop ${busiest.toFixed(2)} s = ${(JOBS / busiest).toFixed(0)} jobs/s; per worker: ${stats.map((s) => s.claimed).join(", ")}`,
    );
  }, 60_000);
});

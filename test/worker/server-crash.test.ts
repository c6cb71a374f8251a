import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { listPublishedArtifacts } from "../../db/queries";
import { enqueueJob } from "../../lib/jobs/queue";
import { createWorkerToken } from "../../lib/jobs/tokens";
import { freePort } from "../../scripts/next-server";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "./helpers/invariants";
import { sleep, spawnWorker, until } from "./helpers/spawn";

const ROOT = path.resolve(__dirname, "../..");
const JOBS = 150;
const PUBLISHING = 30;

function startServerProcess(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "helpers", "api-server-main.ts"), dataDir, String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      if (out.includes("listening")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`the API server exited (${code}) before listening`)));
  });
}

/**
 * reliability.md: "Server killed under load → workers back off and resume; nothing lost." Three remote workers
 * drain jobs (some publishing outputs) through the worker API, whose process is killed with SIGKILL twice while
 * they work and restarted on the same port after a pause longer than their leases. Every job ends succeeded with
 * one winning attempt, every output is published once, and no worker reports an error.
 */
describe("the server killed under load", () => {
  it("remote workers back off, resume, and lose nothing", async () => {
    const { db, dataDir } = tempDataDir("pma-server-kill-");
    const { token } = createWorkerToken(db, "remote");
    writeTransaction(db, (tx) => {
      for (let i = 0; i < JOBS; i++) {
        enqueueJob(tx, { kind: "noop", payload: i < PUBLISHING ? { sleepMs: 30, publish: { name: `out-${i}`, bytes: 4096 } } : { sleepMs: 30 } });
      }
    });
    const port = await freePort();
    let server = await startServerProcess(dataDir, port);
    const workers = Array.from({ length: 3 }, () =>
      spawnWorker(makeTempDir("pma-remote-own-"), ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "2", "--server", `http://127.0.0.1:${port}`], { PMA_LAB_WORKER_TOKEN: token }),
    );
    const succeeded = () => (db.$client.prepare("select count(*) as n from jobs where status = 'succeeded'").get() as { n: number }).n;
    const kills: number[] = [];
    try {
      for (const threshold of [JOBS / 4, JOBS / 2]) {
        await until(() => succeeded() >= threshold, 60_000, 20);
        server.kill("SIGKILL");
        await new Promise((resolve) => server.once("exit", resolve));
        kills.push(succeeded());
        await sleep(2_500); // longer than a lease: running jobs' leases expire while the server is gone
        server = await startServerProcess(dataDir, port);
      }
      const exits = await Promise.all(workers.map((worker) => worker.exited));
      for (const [i, exit] of exits.entries()) expect(exit.code, workers[i].stderr()).toBe(0);
    } finally {
      server.kill("SIGKILL");
    }
    const stats = workers.map((worker) => worker.stats());
    expect(stats.flatMap((s) => s.errors)).toEqual([]);
    expect(workers.some((worker) => /server unreachable/.test(worker.stderr()))).toBe(true);
    const sql = db.$client;
    expect(sql.prepare("select status, count(*) as n from jobs group by status").all()).toEqual([{ status: "succeeded", n: JOBS }]);
    expect(sql.prepare("select count(*) as n from job_attempts where outcome = 'succeeded'").get()).toEqual({ n: JOBS });
    expect(listPublishedArtifacts(db).map((a) => a.name).sort()).toEqual(Array.from({ length: PUBLISHING }, (_, i) => `test/out-${i}`).sort());
    checkInvariants(db, dataDir);
    const attempts = sql.prepare("select outcome, count(*) as n from job_attempts group by outcome order by outcome").all() as { outcome: string; n: number }[];
    console.log(
      `server killed (SIGKILL) twice under load, after ${kills.join(" and ")} of ${JOBS} jobs: all ${JOBS} succeeded once, ${PUBLISHING} outputs published once; ` +
        `attempts ${attempts.map((a) => `${a.outcome} ${a.n}`).join(", ")}; per worker ${stats.map((s) => s.claimed).join(", ")} claims; no worker error`,
    );
  }, 120_000);
});

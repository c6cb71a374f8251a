/**
 * Queue benchmark: N worker processes drain M no-op jobs from one SQLite file, then we check that every job ran
 * exactly once and no lock error reached a worker, and print the throughput.
 *
 *   npx tsx scripts/bench/queue.ts [--workers 8] [--jobs 500] [--json]
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openDatabase, writeTransaction } from "../../db/client";
import { enqueueJob } from "../../lib/jobs/queue";

const { values } = parseArgs({ options: { workers: { type: "string", default: "8" }, jobs: { type: "string", default: "500" }, json: { type: "boolean", default: false } } });
const workers = Number(values.workers);
const jobs = Number(values.jobs);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pma-bench-queue-"));
const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
writeTransaction(db, (tx) => {
  for (let i = 0; i < jobs; i++) enqueueJob(tx, { kind: "noop", payload: {} });
});

interface Stats {
  claimed: number;
  outcomes: { succeeded: number };
  errors: string[];
  seconds: number;
}

function runWorker(): Promise<{ stats: Stats; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "scripts/pma-lab.mjs"), "worker", "--exit-when-idle", "--json", "--poll-ms", "50", "--lease-seconds", "10"], {
      cwd: root,
      env: { ...process.env, PMA_LAB_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => (code === 0 ? resolve({ stats: JSON.parse(out) as Stats, stderr: err }) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
}

const started = performance.now();
const results = await Promise.all(Array.from({ length: workers }, runWorker));
const wall = (performance.now() - started) / 1000;
const loop = Math.max(...results.map((r) => r.stats.seconds));
const sql = db.$client;
const attempts = (sql.prepare("select count(*) as n from job_attempts").get() as { n: number }).n;
const succeeded = (sql.prepare("select count(*) as n from jobs where status = 'succeeded' and attempts = 1").get() as { n: number }).n;
const errors = results.flatMap((r) => r.stats.errors);
const lockErrors = results.filter((r) => /SQLITE_BUSY|database is locked/i.test(r.stderr)).length + errors.filter((e) => /SQLITE_BUSY|locked/i.test(e)).length;
const figures = {
  workers,
  jobs,
  exactlyOnce: succeeded === jobs && attempts === jobs,
  lockErrorsSeenByClients: lockErrors,
  otherErrors: errors.length,
  wallSeconds: Number(wall.toFixed(2)),
  jobsPerSecondWall: Math.round(jobs / wall),
  loopSeconds: Number(loop.toFixed(2)),
  jobsPerSecondLoop: Math.round(jobs / loop),
  perWorker: results.map((r) => r.stats.claimed),
  cpus: os.availableParallelism(),
};
if (values.json) console.log(JSON.stringify(figures, null, 2));
else {
  console.log(`${workers} workers drained ${jobs} no-op jobs: exactly once ${figures.exactlyOnce ? "yes" : "NO"}, lock errors seen by clients ${lockErrors}, other errors ${errors.length}`);
  console.log(`  ${figures.jobsPerSecondWall} jobs/s over ${figures.wallSeconds} s wall (including ${workers} process starts on ${figures.cpus} cores)`);
  console.log(`  ${figures.jobsPerSecondLoop} jobs/s over the longest worker loop (${figures.loopSeconds} s); per worker: ${figures.perWorker.join(", ")}`);
}
db.$client.close();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exitCode = figures.exactlyOnce && lockErrors === 0 && errors.length === 0 ? 0 : 1;

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { findJobById, listAttempts, listPublishedArtifacts } from "../../db/queries";
import { registerCheckpoints } from "../../lib/checkpoints/register";
import { parseConfig } from "../../lib/env";
import { cancelJob, enqueueJob } from "../../lib/jobs/queue";
import { parseSchemeList } from "../../lib/merge/weights";
import { targetJob } from "../../lib/slurm/target";
import { describeSlurmJob, listLiveSlurmTasks } from "../../lib/slurm/view";
import { createSweep, describeSweep } from "../../lib/sweeps";
import { llamaTensorSpecs, writeCheckpoint } from "../helpers/checkpoint-fixtures";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "../worker/helpers/invariants";
import { spawnWorker, until } from "../worker/helpers/spawn";
import { batchPids, ROOT, scontrolState, slurmAvailable, startSlurmLab, type SlurmLab } from "./cluster";

const M = 1_000_000;
const PROBE = path.join(ROOT, "test", "fixtures", "slurm", "gpu_probe.mjs");

/** The same run in any data dir: 4 tiny Llama checkpoints with fixed seeds, and the GPU-probe evaluator. */
async function seedLab(db: Db, dataDir: string): Promise<void> {
  const runDir = path.join(dataDir, "ckpt", "main");
  const tensors = llamaTensorSpecs({ layers: 2, hidden: 32, intermediate: 64, vocab: 128 });
  for (let i = 1; i <= 4; i++) await writeCheckpoint(path.join(runDir, `step-${i * 1000}`), { seed: i, tensors });
  await registerCheckpoints(db, parseConfig({ PMA_LAB_DATA_DIR: dataDir }), { directory: runDir, run: "main", tokensPerStep: 1000 });
  const probe = { name: "probe", kind: "command", gpu: true, timeoutSeconds: 120, settings: { argv: [process.execPath, PROBE, "--model", "{model}", "--metrics", "{metrics}"] } };
  fs.writeFileSync(path.join(dataDir, "evaluators.json"), JSON.stringify({ evaluators: [probe] }));
}

const grid = { run: "main", points: [4 * M], ns: [2, 3], intervals: [M], schemes: parseSchemeList("sma,wma"), evaluators: ["probe"] };

/** cell (scheme, N, V, T) → the sha256 of its merged model and its probe scores; the baselines' scores. */
function results(db: Db, dataDir: string, sweepId: number) {
  const sweep = describeSweep(db, sweepId, dataDir);
  const scores = (metrics: { name: string; value: number }[]): Record<string, number> => Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  const merges: Record<string, Record<string, number | string | undefined>> = Object.fromEntries(
    sweep.cells.map((cell) => [`${cell.scheme} N=${cell.n} V=${cell.interval} T=${cell.point}`, { sha256: cell.output?.sha256, ...scores(cell.metrics) }]),
  );
  const baselines: Record<string, number>[] = sweep.baselines.map((b) => ({ point: b.point, ...scores(b.checkpoint?.metrics ?? []) }));
  return { status: sweep.status, merges, baselines };
}

function allSettled(db: Db): boolean {
  const row = db.$client.prepare("select count(*) as n from jobs where status in ('queued', 'running')").get() as { n: number };
  return row.n === 0;
}

const available = slurmAvailable();

describe.skipIf(!available)("the Slurm executor on a real single-node cluster", () => {
  let db: Db;
  let dataDir: string;
  let lab: SlurmLab;
  let slowJob: number;

  beforeAll(async () => {
    ({ db, dataDir } = tempDataDir("pma-slurm-"));
    await seedLab(db, dataDir);
    // A 30 s lease: a worker hears of a cancel at its next heartbeat (10 s), long after the submitter's scancel.
    lab = await startSlurmLab(db, dataDir, { env: { PMA_LAB_EVALUATORS: path.join(dataDir, "evaluators.json") }, leaseSeconds: 30 });
    // Over its one-minute limit: Slurm ends it TIMEOUT in 60–100 s. Queued first so it runs beside the others.
    slowJob = enqueueJob(db, { kind: "noop", payload: { sleepMs: 300_000 } }).id;
    targetJob(db, slowJob, { timeMinutes: 1 });
  });

  afterAll(async () => {
    const stats = await lab?.stop();
    if (stats?.errors.length) console.error(lab.log.join("\n"));
  });

  it("runs the same small sweep as the local worker: the same merged models, the same scores, GPUs from --gres", async () => {
    const local = tempDataDir("pma-slurm-local-");
    await seedLab(local.db, local.dataDir);
    const localSweep = createSweep(local.db, grid, { dataDir: local.dataDir });
    const worker = spawnWorker(local.dataDir, ["--exit-when-idle", "--poll-ms", "100"]);
    const exited = await worker.exited;
    expect(exited.code, worker.stderr()).toBe(0);
    const expected = results(local.db, local.dataDir, localSweep.id);
    expect(expected.status).toBe("done");
    expect(Object.keys(expected.merges)).toHaveLength(4);

    // One output per pass: four passes enqueued together, which go out as one job array.
    const sweep = createSweep(db, { ...grid, chunkSize: 1, slurm: {} }, { dataDir });
    expect(sweep.estimate.jobs).toHaveLength(4);
    // Done: the sweep and its evaluations finished, and Slurm has finished every task (the slow one aside).
    const tasksLeft = () => listLiveSlurmTasks(db).filter((task) => task.jobId !== slowJob).length;
    await until(() => results(db, dataDir, sweep.id).status === "done" && evaluationsDone(db) && tasksLeft() === 0, 240_000, 250).catch((error) => {
      throw new Error(`${(error as Error).message}\n${lab.log.join("\n")}`);
    });
    const got = results(db, dataDir, sweep.id);
    expect(Object.keys(got.merges).sort()).toEqual(Object.keys(expected.merges).sort());
    for (const [cell, merge] of Object.entries(expected.merges)) {
      expect(got.merges[cell]).toMatchObject({ sha256: merge.sha256, "model/digest": merge["model/digest"] });
      // Locally there is no GPU; on Slurm every evaluation asked for one and was given one.
      expect(merge["probe/gpus"]).toBe(0);
      expect(got.merges[cell]["probe/gpus"]).toBe(1);
    }
    expect(got.baselines.map((b) => b["model/digest"])).toEqual(expected.baselines.map((b) => b["model/digest"]));

    // Every job of the sweep ran through sbatch: the passes as one array, evaluations with --gres=gpu:1.
    const passes = sweep.estimate.jobs.map((id) => describeSlurmJob(db, id).tasks);
    for (const tasks of passes) expect(tasks).toMatchObject([{ state: "COMPLETED", settled: "reported" }]);
    expect(new Set(passes.map((tasks) => tasks[0].submissionId)).size).toBe(1);
    expect(passes.map((tasks) => tasks[0].slurmId!.split("_")[1])).toEqual(["0", "1", "2", "3"]);
    expect(passes[0][0].script).toMatch(/^#SBATCH --array=0-3$/m);
    expect(passes[0][0].script).toContain(`JOBS=(${sweep.estimate.jobs.join(" ")})`);
    const evaluations = db.$client.prepare("select id from jobs where kind = 'evaluate'").all() as { id: number }[];
    expect(evaluations.length).toBe(5);
    for (const { id } of evaluations) {
      const view = describeSlurmJob(db, id);
      expect(view.tasks.map((task) => task.state)).toEqual(["COMPLETED"]);
      expect(view.tasks[0].script).toMatch(/^#SBATCH --gres=gpu:1$/m);
    }
  }, 300_000);

  it("fails a job at once with sbatch's own words when the cluster refuses it", async () => {
    const job = enqueueJob(db, { kind: "noop", payload: {} }).id;
    targetJob(db, job, { partition: "no-such-partition" });
    const failed = await until(() => (findJobById(db, job)?.status === "failed" ? findJobById(db, job) : null), 60_000, 100);
    expect(failed.lastError).toMatchObject({ code: "slurm_refused", permanent: true });
    expect(failed.lastError!.message).toMatch(/invalid partition/i);
    expect(listAttempts(db, job)).toEqual([]);
  }, 90_000);

  it("cancelling a job here scancels its Slurm job; nothing is retried", async () => {
    const job = enqueueJob(db, { kind: "noop", payload: { sleepMs: 120_000 } }).id;
    targetJob(db, job, {});
    await until(() => listAttempts(db, job).some((attempt) => attempt.outcome === "running"), 120_000, 100);
    cancelJob(db, job);
    const view = await until(() => {
      const current = describeSlurmJob(db, job);
      return current.tasks[0]?.settled ? current : null;
    }, 60_000, 100);
    expect(view.tasks).toHaveLength(1);
    expect(view.tasks[0]).toMatchObject({ cancelRequested: true, settled: "cancelled", message: expect.stringContaining("cancelled by PMA Lab") });
    expect(view.tasks[0].state).toBe("CANCELLED");
    expect(scontrolState(view.tasks[0].slurmId!)).toBe("CANCELLED");
    expect(findJobById(db, job)?.status).toBe("cancelled");
    expect(listAttempts(db, job).map((attempt) => attempt.outcome)).toEqual(["cancelled"]);
  }, 180_000);

  it("a Slurm job killed under its worker is retried, and its output is published exactly once", async () => {
    const job = enqueueJob(db, { kind: "noop", payload: { sleepMs: 4_000, publish: { name: "killed-once", bytes: 4096 } } }).id;
    targetJob(db, job, {});
    await until(() => listAttempts(db, job).some((attempt) => attempt.outcome === "running"), 120_000, 100);
    const first = describeSlurmJob(db, job).tasks[0];
    const pids = batchPids(first.slurmId!);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, "SIGKILL");
    await until(() => findJobById(db, job)?.status === "succeeded" && describeSlurmJob(db, job).tasks.every((task) => task.settled), 180_000, 200);
    const tasks = describeSlurmJob(db, job).tasks.reverse();
    expect(tasks.length).toBeGreaterThanOrEqual(2);
    expect(tasks[0]).toMatchObject({ state: "FAILED", settled: "retried" });
    expect(tasks[0].message).toMatch(/killed by signal 9/);
    expect(tasks.at(-1)).toMatchObject({ state: "COMPLETED" });
    const attempts = listAttempts(db, job);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(["failed", "succeeded"]);
    expect(attempts[0].error).toMatchObject({ code: "slurm_failed", permanent: false });
    expect(listPublishedArtifacts(db).filter((artifact) => artifact.name === "test/killed-once")).toHaveLength(1);
  }, 240_000);

  it("a job over its Slurm time limit fails with the limit in the message", async () => {
    const failed = await until(() => (findJobById(db, slowJob)?.status === "failed" ? findJobById(db, slowJob) : null), 200_000, 500);
    expect(failed.lastError).toMatchObject({ code: "slurm_timeout", permanent: true });
    expect(failed.lastError!.message).toMatch(/--time=00:01:00/);
    expect(describeSlurmJob(db, slowJob).tasks[0]).toMatchObject({ state: "TIMEOUT", settled: "failed" });
    await until(() => allSettled(db) && describeSlurmJob(db, slowJob).tasks.every((task) => task.settled), 60_000, 200);
    checkInvariants(db, dataDir);
    // Every submission's token is revoked once its tasks ended.
    const live = db.$client.prepare("select count(*) as n from worker_tokens where name like 'slurm-submission-%' and revoked_at is null").get() as { n: number };
    expect(live.n).toBe(0);
  }, 260_000);
});

function evaluationsDone(db: Db): boolean {
  const row = db.$client.prepare("select count(*) as n from jobs where kind = 'evaluate' and status = 'succeeded'").get() as { n: number };
  return row.n === 5;
}

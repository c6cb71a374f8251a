import { describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { findJobById, listAttempts, listSubmissionsInState, listTasks, listWorkerTokens } from "../../db/queries";
import { PmaError } from "../../lib/errors";
import { cancelJob, claimJobById, enqueueJob, retryJob } from "../../lib/jobs/queue";
import { JobService } from "../../lib/jobs/service";
import { jobsSnapshot } from "../../lib/jobs/snapshot";
import type { SlurmCli } from "../../lib/slurm/commands";
import { parseSlurmConfig } from "../../lib/slurm/config";
import { MAX_UNCLAIMED } from "../../lib/slurm/settle";
import type { SlurmTaskState } from "../../lib/slurm/states";
import { submitReady } from "../../lib/slurm/submit";
import { targetJob } from "../../lib/slurm/target";
import { recoverSubmitting, watchSubmissions, type WatchDeps } from "../../lib/slurm/watch";
import { tempDataDir } from "../lib/jobs/helpers";

/**
 * The submitter's bookkeeping against Slurm endings that a single-node test cluster cannot produce on demand
 * (out of memory, preemption, node failure, a cancel by another uid). The cluster is replaced by a scripted
 * SlurmCli — the boundary the submitter talks through — that plays back the states a test sets; everything
 * behind it (database, queue, tokens, settle rules) is the real thing. cluster.test.ts runs the real cluster.
 */
class ScriptedCli implements SlurmCli {
  next = 100;
  submitted: { id: string; script: string; env: Record<string, string> }[] = [];
  states = new Map<string, SlurmTaskState[] | null>();
  cancelled: string[] = [];
  known = new Map<string, string>();

  async submit(script: string, env: Record<string, string>) {
    const id = String(this.next++);
    this.submitted.push({ id, script, env });
    return id;
  }
  async show(jobId: string) {
    return this.states.has(jobId) ? this.states.get(jobId)! : [{ jobId, arrayIndex: null, state: "PENDING", cancelledBy: null, reason: "Priority", exit: null, restarts: 0 }];
  }
  async accounting() {
    return [];
  }
  async accountingAvailable() {
    return false;
  }
  async cancel(ids: string[]) {
    this.cancelled.push(...ids);
  }
  async findByName(name: string) {
    return this.known.get(name) ?? null;
  }
  /** The last submission's job ends in `state`. */
  end(state: string, extra: Partial<SlurmTaskState> = {}) {
    const { id } = this.submitted.at(-1)!;
    this.states.set(id, [{ jobId: id, arrayIndex: null, state, cancelledBy: null, reason: null, exit: { code: 0, signal: 0 }, restarts: 0, ...extra }]);
  }
}

function setup() {
  const { db, dataDir } = tempDataDir("pma-slurm-settle-");
  const cli = new ScriptedCli();
  const config = parseSlurmConfig(JSON.stringify({ server: "http://10.0.0.5:3000" }), "slurm.json", dataDir);
  const deps: WatchDeps = {
    db,
    config,
    cli,
    loadRegistry: () => null,
    baseEnv: { PATH: "/usr/bin" },
    now: Date.now,
    say: () => {},
    accounting: false,
    ownerUid: 1000,
    backoff: { baseMs: 1, maxMs: 1 },
  };
  const round = async () => {
    await watchSubmissions(deps);
    await submitReady(deps);
  };
  return { db, dataDir, cli, deps, round };
}

/** The worker a submission's task starts: registered with the submission's token, holding the job's lease. */
function claimAsTask(db: Db, dataDir: string, jobId: number): void {
  const submission = listSubmissionsInState(db, ["submitted"]).at(-1)!;
  const service = new JobService(db, dataDir, { backoff: { baseMs: 1, maxMs: 1 } });
  const { workerId } = service.registerWorker({ name: "task", host: "node", pid: null, cpus: 1, memory: 1, gpus: [], slots: { cpu: 1, gpus: [] }, heartbeatEveryMs: 1000 }, { mode: "remote", tokenId: submission.tokenId });
  expect(claimJobById(db, { workerId, jobId, leaseMs: 60_000 }).job?.id).toBe(jobId);
}

async function slurmJob(db: Db, round: () => Promise<void>, payload = {}): Promise<number> {
  const id = enqueueJob(db, { kind: "noop", payload }).id;
  targetJob(db, id, {});
  await round();
  return id;
}

describe("settling a job once Slurm is done with it", () => {
  it("submits with the token in sbatch's environment only, and closes the submission when its task ends", async () => {
    const { db, cli, round } = setup();
    const job = await slurmJob(db, round);
    expect(cli.submitted).toHaveLength(1);
    const [{ script, env }] = cli.submitted;
    expect(env).toEqual({ PATH: "/usr/bin", PMA_LAB_WORKER_TOKEN: expect.stringMatching(/^pmaw_\d+_/) });
    expect(script).not.toContain(env.PMA_LAB_WORKER_TOKEN);
    expect(script).toContain(`--job ${job}`);
    await round(); // still pending: nothing new goes out for it
    expect(cli.submitted).toHaveLength(1);
    expect(jobsSnapshot(db).queued.find((row) => row.id === job)).toMatchObject({ onSlurm: true, worker: null });
    cli.end("COMPLETED");
    await round();
    // It ended without its worker ever claiming the job: counted, and the job goes out again.
    expect(listTasks(db, 1)[0]).toMatchObject({ slurmState: "COMPLETED", settled: "unclaimed" });
    expect(cli.submitted).toHaveLength(2);
    expect(listSubmissionsInState(db, ["ended"])).toHaveLength(1);
    expect(listWorkerTokens(db).find((token) => token.name === "slurm-submission-1")?.revokedAt).not.toBeNull();
  });

  it("out of memory under the worker's lease fails the job for good, with the limit to raise", async () => {
    const { db, dataDir, cli, round } = setup();
    const job = await slurmJob(db, round);
    claimAsTask(db, dataDir, job);
    cli.end("OUT_OF_MEMORY", { exit: { code: 0, signal: 125 } });
    await round();
    expect(findJobById(db, job)).toMatchObject({ status: "failed", lastError: { code: "slurm_out_of_memory", permanent: true, message: expect.stringContaining("--mem=1G") } });
    expect(listAttempts(db, job).map((a) => a.outcome)).toEqual(["failed"]);
    expect(cli.submitted).toHaveLength(1);
  });

  it("a node failure retries (an attempt used); preemption goes back without using one; both go out again", async () => {
    const { db, dataDir, cli, round } = setup();
    const job = await slurmJob(db, round);
    claimAsTask(db, dataDir, job);
    cli.end("NODE_FAIL", { reason: "NodeDown" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await round();
    expect(findJobById(db, job)).toMatchObject({ status: "queued", attempts: 1, lastError: { code: "slurm_node_fail" } });
    await round(); // after the back-off
    expect(cli.submitted).toHaveLength(2);
    claimAsTask(db, dataDir, job);
    cli.end("PREEMPTED");
    await round();
    expect(findJobById(db, job)).toMatchObject({ status: "queued", attempts: 1 });
    expect(listAttempts(db, job).map((a) => a.outcome)).toEqual(["failed", "released"]);
    expect(cli.submitted).toHaveLength(3);
  });

  it("a task that dies before claiming: a missing command fails at once, other deaths go out again up to a limit", async () => {
    const { db, cli, round } = setup();
    const missing = await slurmJob(db, round);
    cli.end("FAILED", { exit: { code: 127, signal: 0 } });
    await round();
    expect(findJobById(db, missing)).toMatchObject({ status: "failed", lastError: { code: "slurm_command_failed" } });
    expect(listAttempts(db, missing)).toEqual([]);

    const flaky = await slurmJob(db, round);
    for (let i = 1; i <= MAX_UNCLAIMED; i++) {
      cli.end("FAILED", { exit: { code: 0, signal: 9 } });
      await round();
    }
    expect(cli.submitted).toHaveLength(1 + MAX_UNCLAIMED);
    expect(findJobById(db, flaky)).toMatchObject({ status: "failed", lastError: { message: expect.stringContaining(`${MAX_UNCLAIMED} Slurm jobs in a row ended before claiming job #${flaky}`) } });
    // Retried by hand, it gets a fresh count.
    retryJob(db, flaky);
    await round();
    cli.end("FAILED", { exit: { code: 0, signal: 9 } });
    await round();
    expect(findJobById(db, flaky)?.status).toBe("queued");
  });

  it("an unreachable controller leaves the jobs queued, stops trying for the round, and they go out later", async () => {
    const { db, cli, deps } = setup();
    const jobs = [1, 2].map(() => enqueueJob(db, { kind: "noop", payload: {} }).id);
    for (const job of jobs) targetJob(db, job, {});
    const original = cli.submit.bind(cli);
    let tries = 0;
    cli.submit = async () => {
      tries += 1;
      throw new PmaError("slurm_unavailable", "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)", { permanent: false });
    };
    expect(await submitReady(deps)).toEqual({ submitted: 0, refused: 2, unreachable: true });
    expect(tries).toBe(1);
    expect(jobs.map((job) => findJobById(db, job)?.status)).toEqual(["queued", "queued"]);
    expect(listSubmissionsInState(db, ["rejected"])).toHaveLength(2);
    expect(listWorkerTokens(db).every((token) => token.revokedAt !== null)).toBe(true);
    cli.submit = original;
    expect(await submitReady(deps)).toMatchObject({ submitted: 2, unreachable: false });
  });

  it("cancels: here first means scancel; the owner's scancel cancels the job; an administrator's fails it", async () => {
    const { db, dataDir, cli, round } = setup();
    const mine = await slurmJob(db, round);
    cancelJob(db, mine);
    await round();
    expect(cli.cancelled).toEqual([cli.submitted[0].id]);
    cli.end("CANCELLED");
    await round();
    expect(findJobById(db, mine)?.status).toBe("cancelled");
    expect(listTasks(db, 1)[0]).toMatchObject({ settled: "cancelled", message: expect.stringContaining("cancelled by PMA Lab") });
    expect(cli.submitted).toHaveLength(1);

    const owner = await slurmJob(db, round);
    claimAsTask(db, dataDir, owner);
    cli.end("CANCELLED", { cancelledBy: 1000 });
    await round();
    expect(findJobById(db, owner)?.status).toBe("cancelled");

    const admin = await slurmJob(db, round);
    claimAsTask(db, dataDir, admin);
    cli.end("CANCELLED", { cancelledBy: 0 });
    await round();
    expect(findJobById(db, admin)).toMatchObject({ status: "failed", lastError: { code: "slurm_cancelled", message: expect.stringContaining("by uid 0") } });
  });

  it("a worker that reported wins over Slurm's word; a job Slurm forgot is left to its lease", async () => {
    const { db, dataDir, cli, round } = setup();
    const reported = await slurmJob(db, round, { fail: { code: "boom", message: "bad input", permanent: true } });
    claimAsTask(db, dataDir, reported);
    const attempt = listAttempts(db, reported)[0];
    new JobService(db, dataDir, { backoff: { baseMs: 1, maxMs: 1 } }).fail({ jobId: reported, leaseToken: attempt.leaseToken, error: { code: "boom", message: "bad input", permanent: true } });
    cli.end("FAILED", { exit: { code: 1, signal: 0 } });
    await round();
    expect(findJobById(db, reported)?.lastError).toMatchObject({ code: "boom" });
    expect(listTasks(db, 1)[0]).toMatchObject({ settled: "reported" });

    const forgotten = await slurmJob(db, round);
    claimAsTask(db, dataDir, forgotten);
    cli.states.set(cli.submitted.at(-1)!.id, null);
    await round();
    expect(listTasks(db, 2)[0]).toMatchObject({ settled: "vanished" });
    expect(findJobById(db, forgotten)?.status).toBe("running");
  });

  it("after a crash before sbatch answered: a job Slurm knows by name is adopted, an unknown one goes out again", async () => {
    const { db, cli, deps } = setup();
    const job = enqueueJob(db, { kind: "noop", payload: {} }).id;
    targetJob(db, job, {});
    // The submission is stored, then the submitter "crashes" before sbatch answers.
    const original = cli.submit;
    cli.submit = () => new Promise(() => {});
    void submitReady(deps);
    await new Promise((resolve) => setTimeout(resolve, 50));
    cli.submit = original;
    const [stored] = listSubmissionsInState(db, ["submitting"]);
    cli.known.set(stored.name, "4242");
    await recoverSubmitting(deps);
    expect(listSubmissionsInState(db, ["submitted"])).toMatchObject([{ id: stored.id, slurmJobId: "4242" }]);

    const lost = enqueueJob(db, { kind: "noop", payload: {} }).id;
    targetJob(db, lost, {});
    cli.submit = () => new Promise(() => {});
    void submitReady(deps);
    await new Promise((resolve) => setTimeout(resolve, 50));
    cli.submit = original;
    await recoverSubmitting(deps);
    expect(listSubmissionsInState(db, ["rejected"])).toHaveLength(1);
    await submitReady(deps);
    expect(cli.submitted.map((s) => s.script.includes(`--job ${lost}`))).toEqual([true]);
  });
});

import fs from "node:fs";
import path from "node:path";
import type { JobProgress } from "../../../db/schema";
import { fsyncTree, partialName, PARTIAL_PATTERN, removeTree } from "../../disk";
import { describeError, PmaError } from "../../errors";
import { crashPoint } from "../crash-points";
import { isLeaseLost } from "../errors";
import type { ClaimedJob } from "../queue";
import { toJobError } from "../queue";
import type { JobContext, JobHandler } from "./context";
import { resolveInputPath, resolveOutputPath, type PathMapping } from "./paths";
import type { WorkerTransport } from "./transport";

export interface AttemptEnvironment {
  transport: WorkerTransport;
  workerId: number;
  leaseMs: number;
  /** This worker's view of the server's managed artifacts directory. */
  artifactsDir: string;
  pathMap: PathMapping[];
  roots: string[];
  env: Record<string, string | undefined>;
  threads: number;
  allowTestJobs: boolean;
  /** Worker-level log (stderr). */
  say(line: string): void;
}

export type AttemptOutcome = "succeeded" | "failed" | "retrying" | "lease_lost" | "released" | "abandoned";

/** The reason an attempt is aborted when its worker hands it back (second SIGTERM). */
export const RELEASED = new PmaError("released", "the worker is stopping now and handed the job back", { permanent: false });

/**
 * The reason an attempt is aborted when its worker is being killed from outside (Slurm's SIGTERM at a time limit,
 * preemption or scancel): partial outputs are removed and nothing is reported — whoever killed it (the Slurm
 * submitter) settles the attempt with the real reason, or the lease runs out.
 */
export const ABANDONED = new PmaError("abandoned", "the worker was told to stop by its scheduler and left the job to it", { permanent: false });

/**
 * Runs one claimed job: heartbeats every lease/3, sends progress and the captured log about once a second, then
 * completes, fails or (when told to stop now) releases it. A `lease_lost` answer to any call aborts the handler;
 * whatever happens, the attempt's partial outputs are removed before this returns.
 */
export async function runAttempt(job: ClaimedJob, handler: JobHandler, environment: AttemptEnvironment, stopNow: AbortSignal, abandon?: AbortSignal): Promise<AttemptOutcome> {
  const { transport } = environment;
  const call = { jobId: job.id, leaseToken: job.leaseToken };
  const label = `job #${job.id} (${job.kind}, attempt ${job.attempt})`;
  const controller = new AbortController();
  const abort = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onStopNow = (): void => abort(RELEASED);
  stopNow.addEventListener("abort", onStopNow, { once: true });
  if (stopNow.aborted) onStopNow();
  const onAbandon = (): void => abort(ABANDONED);
  abandon?.addEventListener("abort", onAbandon, { once: true });
  if (abandon?.aborted) onAbandon();

  const started = Date.now();
  let leaseExpiresAt = job.leaseExpiresAt;
  let logBuffer = "";
  let pendingProgress: JobProgress | null = null;
  const partials = new Set<string>();

  const log = (message: string): void => {
    logBuffer += `${new Date().toISOString()} ${message}\n`;
  };
  const flush = async (): Promise<void> => {
    const text = logBuffer;
    const progress = pendingProgress;
    logBuffer = "";
    pendingProgress = null;
    if (text) await transport.log({ ...call, text });
    if (progress) await transport.progress({ ...call, progress });
  };
  const guard = (error: unknown): void => {
    if (isLeaseLost(error)) abort(error);
    else environment.say(`${label}: ${describeError(error)}`);
  };

  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating || controller.signal.aborted) return;
    beating = true;
    transport
      .heartbeat({ ...call, leaseMs: environment.leaseMs, workerId: environment.workerId })
      .then((answer) => {
        leaseExpiresAt = answer.leaseExpiresAt;
      })
      .catch((error) => {
        guard(error);
        // Could not renew in time (server unreachable): by now someone else may hold it.
        if (Date.now() > leaseExpiresAt) abort(new PmaError("lease_lost", `${label}: could not renew the lease before it expired`));
      })
      .finally(() => {
        beating = false;
      });
  }, Math.max(100, Math.floor(environment.leaseMs / 3)));
  let flushing = false;
  const reporter = setInterval(() => {
    if (flushing || controller.signal.aborted) return;
    flushing = true;
    flush()
      .catch(guard)
      .finally(() => {
        flushing = false;
      });
  }, Math.min(1_000, Math.max(100, Math.floor(environment.leaseMs / 3))));

  const context: JobContext = {
    job: { id: job.id, kind: job.kind, attempt: job.attempt, payload: job.payload },
    signal: controller.signal,
    log,
    progress: (update) => {
      pendingProgress = withRate(update, started);
    },
    outputs: {
      prepare: async (name, options = {}) => {
        const final = resolveOutputPath(environment.artifactsDir, name);
        const partial = path.join(environment.artifactsDir, partialName(name, job.attempt));
        removePartials(final);
        if (options.create ?? true) fs.mkdirSync(partial, { recursive: true });
        partials.add(partial);
        return partial;
      },
      publish: async (name, summary) => {
        const partial = path.join(environment.artifactsDir, partialName(name, job.attempt));
        if (!partials.has(partial)) throw new PmaError("output_not_prepared", `${name} was not prepared by this attempt`);
        fsyncTree(partial);
        crashPoint("publish:before-call", environment.env);
        const answer = await transport.publish({ ...call, name, ...summary });
        if (answer.status === "exists") {
          removeTree(partial);
          log(`${name}: already published by job #${answer.artifact.jobId}; kept that copy`);
        } else {
          log(`${name}: published (${summary.bytes} bytes, sha256 ${summary.sha256})`);
        }
        partials.delete(partial);
        return answer.status;
      },
    },
    resolveInput: async (serverPath) => {
      try {
        return await resolveInputPath(serverPath, environment.pathMap, environment.roots);
      } catch (error) {
        // This worker's mounts or roots may be the problem, not the job: leave it to another worker (or a retry).
        throw new PmaError("input_unreachable", `this worker cannot read ${serverPath}: ${describeError(error)}`, { permanent: false, cause: error });
      }
    },
    env: environment.env,
    threads: environment.threads,
    allowTestJobs: environment.allowTestJobs,
  };

  log(`${label} started on worker #${environment.workerId}`);
  let outcome: AttemptOutcome;
  try {
    const result = await handler(context);
    if (controller.signal.aborted) throw controller.signal.reason;
    log(`${label} succeeded in ${((Date.now() - started) / 1000).toFixed(2)} s`);
    clearInterval(reporter);
    await flush();
    crashPoint("complete:before-call", environment.env);
    await transport.complete({ ...call, result: result ?? null });
    crashPoint("complete:after-call", environment.env);
    outcome = "succeeded";
  } catch (thrown) {
    clearInterval(reporter);
    const reason = controller.signal.aborted ? controller.signal.reason : thrown;
    outcome = await settleFailure(reason, thrown);
  } finally {
    clearInterval(heartbeat);
    clearInterval(reporter);
    stopNow.removeEventListener("abort", onStopNow);
    abandon?.removeEventListener("abort", onAbandon);
    for (const partial of partials) removeOwnPartial(partial);
  }
  return outcome;

  async function settleFailure(reason: unknown, thrown: unknown): Promise<AttemptOutcome> {
    try {
      if (isLeaseLost(reason)) {
        environment.say(`${label}: lease lost (${describeError(reason)}); abandoning it and removing its partial outputs`);
        return "lease_lost";
      }
      if (reason === ABANDONED) {
        environment.say(`${label}: stopped from outside; removing its partial outputs and leaving the attempt to be settled`);
        return "abandoned";
      }
      if (reason === RELEASED) {
        environment.say(`${label}: handing it back (stop now)`);
        await transport.release(call);
        return "released";
      }
      log(`${label} failed: ${describeError(thrown)}`);
      await flush().catch(() => {});
      const answer = await transport.fail({ ...call, error: toJobError(thrown) });
      environment.say(`${label}: failed (${describeError(thrown)}); ${answer.status === "queued" ? "will retry" : "gave up"}`);
      return answer.status === "queued" ? "retrying" : "failed";
    } catch (error) {
      if (isLeaseLost(error)) {
        environment.say(`${label}: lease lost while reporting its end (${describeError(error)})`);
        return "lease_lost";
      }
      throw error;
    }
  }
}

/**
 * Removes this attempt's partial and the executor's temporary directories inside its name — never another
 * attempt's: after a lost lease, the new holder may be writing its own partial right next to ours.
 */
function removeOwnPartial(partial: string): void {
  const dir = path.dirname(partial);
  const base = path.basename(partial);
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir).filter((name) => name === base || name.startsWith(`${base}.partial-`))) removeTree(path.join(dir, entry));
}

/**
 * Removes every partial of an output (any attempt, with or without the executor's own temporary suffix). Called
 * before an attempt writes — we hold the lease, so earlier attempts are dead — and after it ends.
 */
function removePartials(final: string): void {
  const dir = path.dirname(final);
  fs.mkdirSync(dir, { recursive: true });
  const prefix = `${path.basename(final)}.partial-a`;
  for (const entry of fs.readdirSync(dir).filter((name) => name.startsWith(prefix) && PARTIAL_PATTERN.test(name))) {
    removeTree(path.join(dir, entry));
  }
}

function withRate(update: JobProgress, started: number): JobProgress {
  if (update.bytesDone === undefined || update.rate !== undefined) return update;
  const seconds = (Date.now() - started) / 1000;
  const rate = seconds > 0 ? update.bytesDone / seconds : 0;
  const left = update.bytesTotal !== undefined ? Math.max(0, update.bytesTotal - update.bytesDone) : undefined;
  return { ...update, rate, ...(left !== undefined && rate > 0 ? { etaSeconds: left / rate } : {}) };
}

import { describeError } from "../../errors";
import { jobHandlers } from "../handlers";
import { clampLease } from "../queue";
import { runAttempt, type AttemptOutcome } from "./attempt";
import type { JobHandler } from "./context";
import { attemptEnvironment, registerWorker, type WorkerBaseOptions } from "./options";
import { pause } from "../../pause";

/**
 * `pma-lab worker --job ID`: claim exactly that job, run it, exit — what each Slurm task runs. While another
 * attempt holds the job (a duplicated or requeued copy of the task) or it backs off after a failure, it waits;
 * once the job has finished, been cancelled or failed, there is nothing to do. SIGTERM (Slurm's time limit,
 * preemption, scancel) abandons the attempt: partial outputs are removed and the submitter settles it.
 */

export interface SingleJobOptions extends WorkerBaseOptions {
  jobId: number;
}

export type SingleJobOutcome = AttemptOutcome | "nothing_to_do";

export interface SingleJobStats {
  workerId: number;
  jobId: number;
  outcome: SingleJobOutcome;
  /** The job's status when there was nothing to do. */
  status: string | null;
  seconds: number;
}

export interface SingleJobHandle {
  done: Promise<SingleJobStats>;
  /** Stop now: abandon the attempt (or the wait) without reporting it. */
  abandon(): void;
}

export function runSingleJob(options: SingleJobOptions): SingleJobHandle {
  const abandon = new AbortController();
  return { done: run(options, abandon.signal), abandon: () => abandon.abort() };
}

async function run(options: SingleJobOptions, abandon: AbortSignal): Promise<SingleJobStats> {
  const started = Date.now();
  const { transport } = options;
  const leaseMs = clampLease(options.leaseMs);
  const worker = await registerWorker(options, leaseMs, { cpu: 1, gpus: options.host.gpus.map((gpu) => gpu.index) });
  const { session, artifactsDir } = worker;
  const stats = (outcome: SingleJobOutcome, status: string | null = null): SingleJobStats => ({
    workerId: session.workerId,
    jobId: options.jobId,
    outcome,
    status,
    seconds: (Date.now() - started) / 1000,
  });
  options.say(`worker #${session.workerId} (${options.name}) on ${options.host.host} for job #${options.jobId}; artifacts in ${artifactsDir}`);
  let result: SingleJobStats | null = null;
  try {
    while (!result) {
      if (abandon.aborted) {
        result = stats("abandoned");
        break;
      }
      const answer = await transport.claimById({ workerId: session.workerId, jobId: options.jobId, leaseMs });
      if (answer.job) {
        const job = answer.job;
        const handler = (options.handlers ?? jobHandlers)[job.kind] as JobHandler | undefined;
        if (!handler) throw new Error(`no handler for ${job.kind}`);
        const outcome = await runAttempt(
          job,
          handler,
          // The scheduler chose the GPUs (CUDA_VISIBLE_DEVICES) and the cores: keep its environment as it is.
          attemptEnvironment(options, worker, leaseMs, { ...process.env }),
          new AbortController().signal,
          abandon,
        );
        result = stats(outcome);
      } else if (answer.status === "succeeded" || answer.status === "failed" || answer.status === "cancelled") {
        options.say(`job #${options.jobId} is ${answer.status}; nothing to do`);
        result = stats("nothing_to_do", answer.status);
      } else {
        const until = answer.status === "queued" ? answer.runAfter : answer.leaseExpiresAt;
        const waitMs = Math.min(30_000, Math.max(options.pollMs, (until ?? 0) - Date.now() + 50));
        options.say(`job #${options.jobId} is ${answer.status === "queued" ? "backing off" : "held by another attempt"}; waiting ${(waitMs / 1000).toFixed(1)} s`);
        await pause(waitMs, abandon);
      }
    }
  } catch (error) {
    options.say(`job #${options.jobId}: ${describeError(error)}`);
    throw error;
  } finally {
    await transport.stop(session.workerId).catch(() => {});
  }
  return result;
}

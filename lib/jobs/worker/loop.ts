import { describeError } from "../../errors";
import { jobHandlers } from "../handlers";
import { isLocalOnlyKind, jobKinds, type JobKind, type JobKindDefinition } from "../kinds";
import { clampLease, type ClaimedJob } from "../queue";
import { runAttempt, type AttemptEnvironment, type AttemptOutcome } from "./attempt";
import type { JobHandler } from "./context";
import { attemptEnvironment, registerWorker, type WorkerBaseOptions } from "./options";

export interface WorkerOptions extends WorkerBaseOptions {
  /** Concurrent CPU jobs (merges). GPU slots come from the GPUs found, one each. */
  cpuSlots: number;
  exitWhenIdle: boolean;
}

export interface WorkerStats {
  workerId: number;
  claimed: number;
  outcomes: Record<AttemptOutcome, number>;
  /** Transport failures seen by this client (a lock error reaching a client would show here). */
  errors: string[];
  seconds: number;
}

export interface WorkerHandle {
  done: Promise<WorkerStats>;
  /** Finish the running jobs, claim nothing more, then exit (first SIGTERM). */
  stop(): void;
  /** Hand the running jobs back at once, then exit (second SIGTERM). */
  stopNow(): void;
}

interface Slot {
  label: string;
  gpu: number | null;
  kinds: string[];
  busy: boolean;
}

const definition = (kind: JobKind): JobKindDefinition => jobKinds[kind];

/** Kinds that use every core of the worker (the lab): claimed only with all CPU slots idle. */
export function isExclusiveKind(kind: JobKind): boolean {
  return Boolean(definition(kind).exclusive);
}

/**
 * Slots and the kinds each may claim: CPU kinds on CPU slots; GPU kinds on GPU slots, or CPU slots with no GPU.
 * A remote worker never claims local-only kinds (they write to the server's database directly).
 */
export function planSlots(cpuSlots: number, gpus: number[], handlers: Partial<Record<JobKind, unknown>>, mode: "local" | "remote" = "local"): Slot[] {
  const runnable = (Object.keys(handlers) as JobKind[]).filter((kind) => handlers[kind] && (mode === "local" || !isLocalOnlyKind(kind)));
  const cpuKinds = runnable.filter((kind) => jobKinds[kind].slot === "cpu" || gpus.length === 0);
  const gpuKinds = runnable.filter((kind) => jobKinds[kind].slot === "gpu");
  const slots: Slot[] = [];
  for (let i = 0; i < cpuSlots; i++) slots.push({ label: `cpu${i}`, gpu: null, kinds: cpuKinds, busy: false });
  for (const gpu of gpus) slots.push({ label: `gpu${gpu}`, gpu, kinds: gpuKinds, busy: false });
  return slots.filter((slot) => slot.kinds.length > 0);
}

/** Starts the claim loop. Registration happens first; `done` resolves with the figures when the worker exits. */
export function startWorker(options: WorkerOptions): WorkerHandle {
  const stopping = new AbortController();
  const stopNowController = new AbortController();
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    wake?.();
  };
  const done = run(options, stopping.signal, stopNowController.signal, (fn) => {
    wake = fn;
  });
  return {
    done,
    stop: () => {
      stopping.abort();
      nudge();
    },
    stopNow: () => {
      stopping.abort();
      stopNowController.abort();
      nudge();
    },
  };
}

async function run(options: WorkerOptions, stopping: AbortSignal, stopNow: AbortSignal, setWake: (fn: () => void) => void): Promise<WorkerStats> {
  const started = Date.now();
  const handlers = options.handlers ?? jobHandlers;
  const leaseMs = clampLease(options.leaseMs);
  const gpuIndices = options.host.gpus.map((gpu) => gpu.index);
  const { transport } = options;
  const slots = planSlots(options.cpuSlots, gpuIndices, handlers, transport.mode);
  const worker = await registerWorker(options, leaseMs, { cpu: options.cpuSlots, gpus: gpuIndices });
  const { session, artifactsDir } = worker;
  const stats: WorkerStats = {
    workerId: session.workerId,
    claimed: 0,
    outcomes: { succeeded: 0, failed: 0, retrying: 0, lease_lost: 0, released: 0, abandoned: 0 },
    errors: [],
    seconds: 0,
  };
  options.say(
    `worker #${session.workerId} (${options.name}) on ${options.host.host}: ${slots.map((slot) => slot.label).join(", ") || "no slots"}; ` +
      `GPUs: ${options.host.gpus.map((gpu) => `${gpu.index} ${gpu.name}`).join(", ") || "none"}; artifacts in ${artifactsDir}`,
  );
  const environment = (slot: Slot): AttemptEnvironment =>
    attemptEnvironment(options, worker, leaseMs, { ...process.env, CUDA_VISIBLE_DEVICES: slot.gpu === null ? "" : String(slot.gpu) });

  const running = new Set<Promise<void>>();
  /** Exclusive jobs running: while one runs, no slot claims anything. */
  let exclusiveRunning = 0;
  const startAttempt = (slot: Slot, job: ClaimedJob): void => {
    slot.busy = true;
    stats.claimed += 1;
    const exclusive = isExclusiveKind(job.kind);
    if (exclusive) exclusiveRunning += 1;
    const handler = handlers[job.kind] as JobHandler | undefined;
    const attempt: Promise<void> = Promise.resolve()
      .then(async () => {
        if (!handler) throw new Error(`no handler for ${job.kind}`);
        stats.outcomes[await runAttempt(job, handler, environment(slot), stopNow)] += 1;
      })
      .catch((error) => {
        stats.errors.push(`job #${job.id}: ${describeError(error)}`);
        options.say(`job #${job.id}: ${describeError(error)}`);
      })
      .finally(() => {
        if (exclusive) exclusiveRunning -= 1;
        slot.busy = false;
        running.delete(attempt);
        wakeUp();
      });
    running.add(attempt);
  };

  let wakeUp: () => void = () => {};
  let transientDelay = options.pollMs;
  while (!stopping.aborted) {
    let claimedAny = false;
    let pending = 0;
    let nextRunAfter: number | null = null;
    try {
      for (const slot of slots.filter((candidate) => !candidate.busy)) {
        if (stopping.aborted || exclusiveRunning > 0) break;
        // An exclusive kind needs the whole worker: only a claim made while every slot is idle may take one.
        const kinds = running.size > 0 ? slot.kinds.filter((kind) => !isExclusiveKind(kind as JobKind)) : slot.kinds;
        if (kinds.length === 0) continue;
        const answer = await transport.claim({ workerId: session.workerId, kinds, leaseMs });
        pending = Math.max(pending, answer.pending);
        nextRunAfter = answer.nextRunAfter;
        if (!answer.job) break;
        claimedAny = true;
        startAttempt(slot, answer.job);
      }
      transientDelay = options.pollMs;
    } catch (error) {
      if (stopping.aborted) break; // a claim cut short by the stop: not an error
      stats.errors.push(`claim: ${describeError(error)}`);
      options.say(`claim failed: ${describeError(error)}; retrying`);
      transientDelay = Math.min(5_000, transientDelay * 2);
      pending = 1;
    }
    if (options.exitWhenIdle && running.size === 0 && pending === 0 && !claimedAny) break;
    if (claimedAny && slots.some((slot) => !slot.busy)) continue;
    const due = nextRunAfter !== null ? Math.max(10, nextRunAfter - Date.now()) : Number.POSITIVE_INFINITY;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(transientDelay, due));
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
      setWake(wakeUp);
    });
  }
  await Promise.all(running);
  try {
    await transport.stop(session.workerId);
  } catch (error) {
    stats.errors.push(`stop: ${describeError(error)}`);
  }
  stats.seconds = (Date.now() - started) / 1000;
  return stats;
}

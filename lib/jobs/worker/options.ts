import type { JobKind } from "../kinds";
import type { WorkerSession } from "../service";
import type { AttemptEnvironment } from "./attempt";
import type { JobHandler } from "./context";
import type { HostInfo } from "./host";
import { mapPath, type PathMapping } from "./paths";
import type { WorkerTransport } from "./transport";

/** What every worker needs, whether it serves the queue (`runWorker`) or one job (`runSingleJob`), and how both register and run attempts. */
export interface WorkerBaseOptions {
  transport: WorkerTransport;
  host: HostInfo;
  name: string;
  leaseMs: number;
  /** Pause between claims while the queue has nothing due. */
  pollMs: number;
  pathMap: PathMapping[];
  roots: string[];
  threads: number;
  allowTestJobs: boolean;
  /** When set (local workers), used instead of the server's artifacts dir mapped through pathMap. */
  artifactsDir?: string;
  handlers?: Partial<Record<JobKind, JobHandler<never>>>;
  say(line: string): void;
}

/** A registered worker: its session and where it writes artifacts (its own, or the server's mapped onto its mounts). */
export interface RegisteredWorker {
  session: WorkerSession;
  artifactsDir: string;
}

/** Registers the worker with its host and slots; it heartbeats every third of the lease (at least every poll). */
export async function registerWorker(options: WorkerBaseOptions, leaseMs: number, slots: { cpu: number; gpus: number[] }): Promise<RegisteredWorker> {
  const session = await options.transport.register({
    name: options.name,
    host: options.host.host,
    pid: process.pid,
    cpus: options.host.cpus,
    memory: options.host.memory,
    gpus: options.host.gpus,
    slots,
    heartbeatEveryMs: Math.max(options.pollMs, Math.floor(leaseMs / 3)),
  });
  return { session, artifactsDir: options.artifactsDir ?? mapPath(session.artifactsDir, options.pathMap) };
}

/** What an attempt of this worker runs with; `env` is the environment the job's processes see. */
export function attemptEnvironment(options: WorkerBaseOptions, worker: RegisteredWorker, leaseMs: number, env: NodeJS.ProcessEnv): AttemptEnvironment {
  return {
    transport: options.transport,
    workerId: worker.session.workerId,
    leaseMs,
    artifactsDir: worker.artifactsDir,
    pathMap: options.pathMap,
    roots: [...options.roots, ...options.pathMap.map((mapping) => mapping.to)],
    env,
    threads: options.threads,
    allowTestJobs: options.allowTestJobs,
    say: options.say,
  };
}

import type { JobKind } from "../kinds";
import type { JobHandler } from "./context";
import type { HostInfo } from "./host";
import type { PathMapping } from "./paths";
import type { WorkerTransport } from "./transport";

/** What every worker needs, whether it serves the queue (`runWorker`) or one job (`runSingleJob`). */
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

import type { Db } from "../../db/client";
import { countJobsByStatus, findTargetedJobIds, findWorkerById, listAttempts, listJobs, listWorkers } from "../../db/queries";
import type { Job, JobStatus, Worker } from "../../db/schema";
import { diskUsage, type DiskUsage } from "../disk";

export interface JobRow {
  id: number;
  kind: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  priority: number;
  worker: string | null;
  progress: Job["progress"];
  lastError: Job["lastError"];
  runAfter: number;
  leaseExpiresAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** What the job is about, in a few words (outputs of a pass, a sweep id). */
  summary: string;
  /** The job runs on Slurm (its worker is a Slurm task, started by the submitter). */
  onSlurm: boolean;
}

export interface WorkerRow extends Omit<Worker, "tokenId"> {
  /** Heard from within three heartbeat intervals. */
  healthy: boolean;
}

export interface JobsSnapshot {
  at: number;
  counts: Record<JobStatus, number>;
  running: JobRow[];
  queued: JobRow[];
  recent: JobRow[];
  workers: WorkerRow[];
  disk: DiskUsage | null;
}

export function summarizeJob(job: Job): string {
  const payload = job.payload as { outputs?: unknown[]; inputs?: unknown[]; sweepId?: number; sleepMs?: number };
  if (job.kind === "merge" || job.kind === "sweep-pass") {
    return `${payload.outputs?.length ?? 0} output(s) from ${payload.inputs?.length ?? 0} checkpoint(s)${payload.sweepId ? ` · sweep #${payload.sweepId}` : ""}`;
  }
  if (job.kind === "noop") return `sleep ${payload.sleepMs ?? 0} ms`;
  if (job.kind === "pma-init") {
    const lineage = (job.payload as { lineage?: { source?: { run?: string }; label?: string } }).lineage;
    return `PMA-init of ${lineage?.source?.run ?? "?"}: ${lineage?.label ?? "?"}`;
  }
  if (job.kind === "evaluate") {
    const evaluation = job.payload as { evaluator?: string; target?: { kind: string; path?: string; recipeHash?: string } };
    const target = evaluation.target;
    const what = target?.kind === "merge" ? `merge ${target.recipeHash?.slice(0, 10) ?? "?"}` : `checkpoint ${target?.path?.split("/").slice(-2).join("/") ?? "?"}`;
    return `${evaluation.evaluator ?? "?"} on ${what}`;
  }
  if (job.kind === "lab-train") {
    const lab = job.payload as { scale?: string; demoSweep?: boolean };
    return `${lab.scale ?? "?"}-scale lab${lab.demoSweep ? ", then the demo sweep" : ""}`;
  }
  return "";
}

export function toJobRow(job: Job, workerNames: Map<number, string>, onSlurm = false): JobRow {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    priority: job.priority,
    worker: job.workerId ? (workerNames.get(job.workerId) ?? `#${job.workerId}`) : null,
    progress: job.progress,
    lastError: job.lastError,
    runAfter: job.runAfter,
    leaseExpiresAt: job.leaseExpiresAt,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    summary: summarizeJob(job),
    onSlurm,
  };
}

/** What the jobs page and `pma-lab jobs` show: queue counts, running jobs with progress, workers, disk. */
export function jobsSnapshot(db: Db, options: { dataDir?: string; now?: number; limit?: number } = {}): JobsSnapshot {
  const now = options.now ?? Date.now();
  // Workers killed without a goodbye never mark themselves stopped; after an hour of silence they are gone.
  const workers = listWorkers(db, { includeStopped: false, limit: 50 }).filter((worker) => now - worker.lastHeartbeat < 3_600_000);
  const names = new Map(workers.map((worker) => [worker.id, worker.name]));
  const rows = (statuses: JobStatus[], limit: number) => {
    const jobs = listJobs(db, { statuses, limit });
    const slurm = findTargetedJobIds(db, jobs.map((job) => job.id));
    return jobs.map((job) => {
      if (job.workerId && !names.has(job.workerId)) names.set(job.workerId, findWorkerById(db, job.workerId)?.name ?? `#${job.workerId}`);
      return toJobRow(job, names, slurm.has(job.id));
    });
  };
  return {
    at: now,
    counts: countJobsByStatus(db),
    running: rows(["running"], 100),
    queued: rows(["queued"], options.limit ?? 50).reverse(),
    recent: rows(["succeeded", "failed", "cancelled"], options.limit ?? 30),
    workers: workers.map(({ tokenId: _tokenId, ...worker }) => ({ ...worker, healthy: now - worker.lastHeartbeat < 3 * worker.heartbeatEveryMs + 2_000 })),
    disk: options.dataDir ? diskUsage(db, options.dataDir) : null,
  };
}

export function jobAttemptsView(db: Db, jobId: number) {
  return listAttempts(db, jobId);
}

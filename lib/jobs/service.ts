import type { Db } from "../../db/client";
import { findAttemptByToken, findWorkerById, insertWorker, markWorkerStopped, touchWorker, type NewWorkerRow } from "../../db/queries";
import type { JobError, JobProgress } from "../../db/schema";
import { dataLayout } from "../disk";
import type { MetricRecord } from "../eval/metrics";
import type { JobConfig } from "./config";
import { appendJobLog } from "./logs";
import { publishArtifact, type PublishRequest, type PublishResult } from "./publish";
import {
  claimJob,
  claimJobById,
  completeJob,
  failJob,
  heartbeatJob,
  releaseJob,
  reportMetrics,
  reportProgress,
  type ClaimByIdResult,
  type ClaimResult,
  type FailOutcome,
} from "./queue";

/**
 * The server side of every worker call. The direct transport calls it in-process; the HTTP routes under
 * app/api/worker/ are thin wrappers that authenticate, parse and call the same methods. One implementation of
 * the rules, two ways in.
 */

/** What a worker says about itself when it registers (the server adds its mode and token). */
export type WorkerRegistration = Omit<NewWorkerRow, "mode" | "tokenId" | "now">;

export interface WorkerSession {
  workerId: number;
  /** The server's paths; a remote worker maps them onto its own mounts. */
  dataDir: string;
  artifactsDir: string;
}

export interface JobCall {
  jobId: number;
  leaseToken: string;
}

export class JobService {
  constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly config: Pick<JobConfig, "backoff">,
    private readonly clock: () => number = Date.now,
  ) {}

  registerWorker(registration: WorkerRegistration, auth: { mode: "local" | "remote"; tokenId: number | null }): WorkerSession {
    const worker = insertWorker(this.db, { ...registration, mode: auth.mode, tokenId: auth.tokenId, now: this.clock() });
    return { workerId: worker.id, dataDir: this.dataDir, artifactsDir: dataLayout(this.dataDir).artifacts };
  }

  workerHeartbeat(workerId: number): void {
    touchWorker(this.db, workerId, this.clock());
  }

  stopWorker(workerId: number): void {
    markWorkerStopped(this.db, workerId, this.clock());
  }

  claim(request: { workerId: number; kinds: string[]; leaseMs: number }): ClaimResult {
    return claimJob(this.db, request, { now: this.clock(), backoff: this.config.backoff });
  }

  claimById(request: { workerId: number; jobId: number; leaseMs: number }): ClaimByIdResult {
    return claimJobById(this.db, request, { now: this.clock(), backoff: this.config.backoff });
  }

  heartbeat(request: JobCall & { leaseMs: number; workerId?: number }): { leaseExpiresAt: number } {
    return heartbeatJob(this.db, request, { now: this.clock() });
  }

  progress(request: JobCall & { progress: JobProgress }): void {
    reportProgress(this.db, request, { now: this.clock() });
  }

  log(request: JobCall & { text: string }): void {
    appendJobLog(this.db, this.dataDir, request, { now: this.clock() });
  }

  metrics(request: JobCall & { metrics: MetricRecord[] }): { inserted: number; duplicates: number } {
    return reportMetrics(this.db, request, { now: this.clock() });
  }

  publish(request: PublishRequest): PublishResult {
    return publishArtifact(this.db, this.dataDir, request, { now: this.clock() });
  }

  complete(request: JobCall & { result: unknown }): { duplicate: boolean } {
    return completeJob(this.db, request, { now: this.clock() });
  }

  fail(request: JobCall & { error: JobError }): FailOutcome {
    return failJob(this.db, request, { now: this.clock(), backoff: this.config.backoff });
  }

  release(request: JobCall): void {
    releaseJob(this.db, request, { now: this.clock() });
  }

  /** For remote callers: does this worker belong to the token presenting it? */
  workerBelongsTo(workerId: number, tokenId: number): boolean {
    return findWorkerById(this.db, workerId)?.tokenId === tokenId;
  }

  /** For remote callers: was this lease handed to a worker of the token presenting it? */
  leaseBelongsTo(leaseToken: string, tokenId: number): boolean {
    const attempt = findAttemptByToken(this.db, leaseToken);
    return attempt?.workerId != null && this.workerBelongsTo(attempt.workerId, tokenId);
  }
}

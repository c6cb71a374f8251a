import type { JobError, JobProgress } from "../../../db/schema";
import type { MetricRecord } from "../../eval/metrics";
import type { PublishRequest, PublishResult } from "../publish";
import type { ClaimByIdResult, ClaimResult, FailOutcome } from "../queue";
import type { JobCall, WorkerRegistration, WorkerSession } from "../service";

/**
 * Everything a worker says to the server. Two implementations — direct SQLite (local workers) and HTTP (remote
 * workers, who never open the database) — so the worker loop is one piece of code. Fenced calls reject with a
 * PmaError `lease_lost` when the token is stale.
 */
export interface WorkerTransport {
  readonly mode: "local" | "remote";
  register(registration: WorkerRegistration): Promise<WorkerSession>;
  workerHeartbeat(workerId: number): Promise<void>;
  stop(workerId: number): Promise<void>;
  claim(request: { workerId: number; kinds: string[]; leaseMs: number }): Promise<ClaimResult>;
  /** Claims exactly this job (`worker --job ID`), or says why it cannot be claimed now. */
  claimById(request: { workerId: number; jobId: number; leaseMs: number }): Promise<ClaimByIdResult>;
  heartbeat(request: JobCall & { leaseMs: number; workerId?: number }): Promise<{ leaseExpiresAt: number }>;
  progress(request: JobCall & { progress: JobProgress }): Promise<void>;
  log(request: JobCall & { text: string }): Promise<void>;
  /** Streamed metrics of an evaluate job; a repeated batch inserts nothing twice. */
  metrics(request: JobCall & { metrics: MetricRecord[] }): Promise<{ inserted: number; duplicates: number }>;
  publish(request: PublishRequest): Promise<PublishResult>;
  complete(request: JobCall & { result: unknown }): Promise<{ duplicate: boolean }>;
  fail(request: JobCall & { error: JobError }): Promise<FailOutcome>;
  release(request: JobCall): Promise<void>;
  close(): void;
}

import { randomBytes } from "node:crypto";
import { writeTransaction, type Db } from "../../db/client";
import {
  claimJobRow,
  claimNextJob,
  countPendingJobs,
  deleteUnfinishedEvaluationMetrics,
  endAttempt,
  findAttemptByToken,
  findJobById,
  insertAttempt,
  insertJob,
  listExpiredLeases,
  setJobProgress,
  syncCellsForJobs,
  syncEvaluationsForJobs,
  touchWorker,
  updateJob,
} from "../../db/queries";
import type { Job, JobAttempt, JobError, JobProgress, JobStatus } from "../../db/schema";
import type { MetricRecord } from "../eval/metrics";
import { recordEvaluateResult, recordMetricBatch } from "../eval/record";
import { PmaError } from "../errors";
import { jobNotFound, leaseLost } from "./errors";
import { isJobKind, jobKinds, type JobKind, type JobPayloadInput } from "./kinds";

/**
 * The queue's rules (reliability.md, "Job queue semantics"), over db/queries/jobs.ts:
 * - a claim runs inside BEGIN IMMEDIATE and hands out a fresh random lease token with an expiry;
 * - every later call (heartbeat, progress, log, publish, complete, fail, release) must carry the current token
 *   before the expiry, or it throws `lease_lost` and changes nothing;
 * - an expired lease makes the job claimable again and counts as an attempt, so a job that kills its worker
 *   ends `failed` after `max_attempts` instead of looping;
 * - failures retry with exponential back-off and jitter; permanent errors fail at once;
 * - a repeated complete / fail of an attempt that already ended returns the recorded outcome (one effect).
 */

export interface QueueClock {
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: number;
  /** [0, 1); tests pass a constant to make jitter predictable. */
  random?: () => number;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** 5 s, 10 s, 20 s … capped at 5 min, each scaled by a random factor in [0.5, 1) so retries do not stampede. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 300_000 };

/** Leases shorter than this would need heartbeats faster than a busy disk can commit them. */
export const MIN_LEASE_MS = 300;
export const MAX_LEASE_MS = 3_600_000;
export const DEFAULT_LEASE_MS = 60_000;

export interface QueueOptions extends QueueClock {
  backoff?: BackoffPolicy;
}

const now = (options: QueueClock): number => options.now ?? Date.now();

export function backoffDelay(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponential = policy.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30));
  return Math.round(Math.min(policy.maxMs, exponential) * (0.5 + 0.5 * random()));
}

export function clampLease(leaseMs: number): number {
  if (!Number.isFinite(leaseMs)) return DEFAULT_LEASE_MS;
  return Math.round(Math.min(MAX_LEASE_MS, Math.max(MIN_LEASE_MS, leaseMs)));
}

export interface EnqueueRequest<K extends JobKind = JobKind> {
  kind: K;
  payload: JobPayloadInput<K>;
  maxAttempts?: number;
  priority?: number;
  runAfter?: number;
  estimatedBytes?: number;
}

/** Validates the payload against its kind and inserts the job; call inside the caller's transaction to batch. */
export function enqueueJob<K extends JobKind>(db: Db, request: EnqueueRequest<K>, options: QueueClock = {}): Job {
  const payload = parsePayload(request.kind, request.payload);
  const at = now(options);
  return insertJob(db, {
    kind: request.kind,
    payload,
    maxAttempts: request.maxAttempts ?? jobKinds[request.kind].maxAttempts,
    priority: request.priority ?? 0,
    runAfter: request.runAfter ?? at,
    estimatedBytes: request.estimatedBytes ?? 0,
    now: at,
  });
}

export function parsePayload(kind: string, payload: unknown): unknown {
  if (!isJobKind(kind)) throw new PmaError("job_kind_unknown", `unknown job kind "${kind}"`);
  const parsed = jobKinds[kind].payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("job_payload_invalid", `${kind} payload: ${issue.path.join(".") || "payload"}: ${issue.message}`);
  }
  return parsed.data;
}

export interface ClaimedJob {
  id: number;
  kind: JobKind;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  leaseToken: string;
  leaseExpiresAt: number;
  /** Relative to the data dir. */
  logPath: string;
}

export interface ClaimResult {
  job: ClaimedJob | null;
  /** Queued or running jobs of the kinds asked for, after this claim (`--exit-when-idle` waits for 0). */
  pending: number;
  nextRunAfter: number | null;
}

export function attemptLogPath(jobId: number, attempt: number): string {
  return `logs/jobs/${jobId}/attempt-${attempt}.log`;
}

/** Claims the next due job among `kinds` for `workerId`, first returning expired leases to the queue. */
export function claimJob(db: Db, request: { workerId: number | null; kinds: string[]; leaseMs: number }, options: QueueOptions = {}): ClaimResult {
  const at = now(options);
  const leaseMs = clampLease(request.leaseMs);
  const kinds = request.kinds.filter(isJobKind);
  return writeTransaction(db, (tx) => {
    reapExpired(tx, at, options);
    if (request.workerId !== null) touchWorker(tx, request.workerId, at);
    let claimed: ClaimedJob | null = null;
    // A payload that no longer validates (say, stored by an older version) fails permanently instead of looping.
    for (let guard = 0; guard < 100 && !claimed; guard++) {
      const leaseToken = randomBytes(18).toString("base64url");
      const job = claimNextJob(tx, { kinds, now: at, leaseToken, leaseExpiresAt: at + leaseMs, workerId: request.workerId });
      if (!job) break;
      claimed = openAttempt(tx, job, { leaseToken, leaseMs, workerId: request.workerId }, at);
    }
    if (claimed) syncDependents(tx, [claimed.id], at);
    return { job: claimed, ...countPendingJobs(tx, kinds) };
  });
}

export interface ClaimByIdResult {
  /** Set when this call claimed the job. */
  job: ClaimedJob | null;
  /** The job's status after the call: "running" without `job` means another attempt holds it. */
  status: JobStatus;
  /** When a queued job becomes due (it backs off after a failure). */
  runAfter: number | null;
  /** Until when another attempt's lease runs, when it is running elsewhere. */
  leaseExpiresAt: number | null;
}

/**
 * Claims exactly `jobId` (`pma-lab worker --job ID`: a Slurm task runs the one job it was submitted for). Same
 * lease rules as claimJob; when the job is not claimable the answer says why, so the caller can wait or leave.
 */
export function claimJobById(db: Db, request: { workerId: number | null; jobId: number; leaseMs: number }, options: QueueOptions = {}): ClaimByIdResult {
  const at = now(options);
  const leaseMs = clampLease(request.leaseMs);
  return writeTransaction(db, (tx) => {
    reapExpired(tx, at, options);
    if (request.workerId !== null) touchWorker(tx, request.workerId, at);
    const leaseToken = randomBytes(18).toString("base64url");
    const row = claimJobRow(tx, { jobId: request.jobId, now: at, leaseToken, leaseExpiresAt: at + leaseMs, workerId: request.workerId });
    const claimed = row ? openAttempt(tx, row, { leaseToken, leaseMs, workerId: request.workerId }, at) : null;
    if (claimed) syncDependents(tx, [claimed.id], at);
    const job = findJobById(tx, request.jobId);
    if (!job) throw jobNotFound(request.jobId);
    return {
      job: claimed,
      status: job.status,
      runAfter: job.status === "queued" ? job.runAfter : null,
      leaseExpiresAt: job.status === "running" ? job.leaseExpiresAt : null,
    };
  });
}

/** Records the attempt a claim opened; a payload that no longer validates fails the job permanently (null). */
function openAttempt(tx: Db, job: Job, lease: { leaseToken: string; leaseMs: number; workerId: number | null }, at: number): ClaimedJob | null {
  const logPath = attemptLogPath(job.id, job.claims);
  insertAttempt(tx, { jobId: job.id, attempt: job.claims, leaseToken: lease.leaseToken, workerId: lease.workerId, logPath, startedAt: at });
  try {
    const payload = parsePayload(job.kind, job.payload);
    return {
      id: job.id,
      kind: job.kind as JobKind,
      payload,
      attempt: job.claims,
      maxAttempts: job.maxAttempts,
      leaseToken: lease.leaseToken,
      leaseExpiresAt: at + lease.leaseMs,
      logPath,
    };
  } catch (error) {
    finishAttempt(tx, job, lease.leaseToken, { status: "failed", outcome: "failed", error: toJobError(error) }, at);
    return null;
  }
}

/** Returns jobs whose lease expired to the queue (or fails them when out of attempts). Safe to call anywhere. */
export function reapExpiredLeases(db: Db, options: QueueOptions = {}): number {
  return writeTransaction(db, (tx) => reapExpired(tx, now(options), options));
}

function reapExpired(tx: Db, at: number, options: QueueOptions): number {
  const expired = listExpiredLeases(tx, at);
  for (const job of expired) {
    const error: JobError = {
      code: "lease_expired",
      message: `attempt ${job.attempts} stopped heartbeating (worker killed, hung or cut off); its lease expired`,
      permanent: false,
    };
    endAttempt(tx, job.leaseToken!, "expired", at, error);
    if (job.attempts >= job.maxAttempts) {
      updateJob(tx, job.id, { status: "failed", lastError: withAttempts(error, job), leaseExpiresAt: null, finishedAt: at }, at);
    } else {
      const runAfter = at + backoffDelay(job.attempts, options.backoff, options.random);
      updateJob(tx, job.id, { status: "queued", lastError: error, leaseToken: null, leaseExpiresAt: null, runAfter }, at);
    }
  }
  if (expired.length > 0) syncDependents(tx, expired.map((job) => job.id), at);
  return expired.length;
}

function withAttempts(error: JobError, job: Job): JobError {
  return { ...error, message: `${error.message}; gave up after ${job.attempts} of ${job.maxAttempts} attempts` };
}

/**
 * The fence: the job is running under exactly this token and the lease has not run out. Throws `lease_lost`
 * otherwise. Call inside a write transaction so that the check and the change it guards are one step.
 */
export function assertLease(tx: Db, jobId: number, leaseToken: string, at: number): { job: Job; attempt: JobAttempt } {
  const attempt = findAttemptByToken(tx, leaseToken);
  const job = findJobById(tx, jobId);
  if (!job) throw jobNotFound(jobId);
  if (!attempt || attempt.jobId !== jobId) throw leaseLost(jobId, "unknown_token");
  if (attempt.outcome === "cancelled" || (job.status === "cancelled" && attempt.outcome === "running")) throw leaseLost(jobId, "cancelled");
  if (attempt.outcome === "released") throw leaseLost(jobId, "released");
  if (attempt.outcome !== "running") throw leaseLost(jobId, attempt.outcome === "expired" ? "expired" : "finished");
  if (job.status !== "running" || job.leaseToken !== leaseToken) throw leaseLost(jobId, "superseded");
  if ((job.leaseExpiresAt ?? 0) < at) throw leaseLost(jobId, "expired");
  return { job, attempt };
}

export function heartbeatJob(db: Db, request: { jobId: number; leaseToken: string; leaseMs: number; workerId?: number | null }, options: QueueClock = {}): { leaseExpiresAt: number } {
  const at = now(options);
  return writeTransaction(db, (tx) => {
    assertLease(tx, request.jobId, request.leaseToken, at);
    const leaseExpiresAt = at + clampLease(request.leaseMs);
    updateJob(tx, request.jobId, { leaseExpiresAt }, at);
    if (request.workerId) touchWorker(tx, request.workerId, at);
    return { leaseExpiresAt };
  });
}

export function reportProgress(db: Db, request: { jobId: number; leaseToken: string; progress: JobProgress }, options: QueueClock = {}): void {
  const at = now(options);
  writeTransaction(db, (tx) => {
    assertLease(tx, request.jobId, request.leaseToken, at);
    setJobProgress(tx, request.jobId, { ...request.progress, at }, at);
  });
}

/** A batch of streamed metrics from an evaluate job, under its lease: a stale token records nothing. */
export function reportMetrics(
  db: Db,
  request: { jobId: number; leaseToken: string; metrics: MetricRecord[] },
  options: QueueClock = {},
): { inserted: number; duplicates: number } {
  const at = now(options);
  return writeTransaction(db, (tx) => {
    const { job } = assertLease(tx, request.jobId, request.leaseToken, at);
    return recordMetricBatch(tx, job, request.metrics);
  });
}

export function completeJob(db: Db, request: { jobId: number; leaseToken: string; result: unknown }, options: QueueClock = {}): { duplicate: boolean } {
  const at = now(options);
  return writeTransaction(db, (tx) => {
    const previous = findAttemptByToken(tx, request.leaseToken);
    if (previous?.jobId === request.jobId && previous.outcome === "succeeded") return { duplicate: true };
    const { job } = assertLease(tx, request.jobId, request.leaseToken, at);
    finishAttempt(tx, job, request.leaseToken, { status: "succeeded", outcome: "succeeded", result: request.result ?? null }, at);
    return { duplicate: false };
  });
}

export interface FailOutcome {
  status: "queued" | "failed";
  runAfter: number | null;
  duplicate: boolean;
}

/** Records a failed attempt: permanent errors and the last attempt fail the job; others retry after a back-off. */
export function failJob(db: Db, request: { jobId: number; leaseToken: string; error: JobError }, options: QueueOptions = {}): FailOutcome {
  const at = now(options);
  return writeTransaction(db, (tx) => {
    const previous = findAttemptByToken(tx, request.leaseToken);
    if (previous?.jobId === request.jobId && previous.outcome === "failed") {
      const job = findJobById(tx, request.jobId)!;
      return { status: job.status === "failed" ? "failed" : "queued", runAfter: job.status === "queued" ? job.runAfter : null, duplicate: true };
    }
    const { job } = assertLease(tx, request.jobId, request.leaseToken, at);
    const error = request.error;
    if (error.permanent || job.attempts >= job.maxAttempts) {
      const lastError = error.permanent ? error : withAttempts(error, job);
      finishAttempt(tx, job, request.leaseToken, { status: "failed", outcome: "failed", error: lastError }, at);
      return { status: "failed", runAfter: null, duplicate: false };
    }
    const runAfter = at + backoffDelay(job.attempts, options.backoff, options.random);
    endAttempt(tx, request.leaseToken, "failed", at, error);
    updateJob(tx, job.id, { status: "queued", lastError: error, leaseToken: null, leaseExpiresAt: null, runAfter }, at);
    syncDependents(tx, [job.id], at);
    return { status: "queued", runAfter, duplicate: false };
  });
}

/** Hands a running job back at once (a worker told to stop now); a voluntary release does not use up an attempt. */
export function releaseJob(db: Db, request: { jobId: number; leaseToken: string }, options: QueueClock = {}): void {
  const at = now(options);
  writeTransaction(db, (tx) => {
    const { job } = assertLease(tx, request.jobId, request.leaseToken, at);
    endAttempt(tx, request.leaseToken, "released", at);
    updateJob(tx, job.id, { status: "queued", attempts: Math.max(0, job.attempts - 1), leaseToken: null, leaseExpiresAt: null, runAfter: at }, at);
    syncDependents(tx, [job.id], at);
  });
}

/** Cancels a queued or running job; a running one's worker finds out at its next call (409) and cleans up. */
export function cancelJob(db: Db, jobId: number, options: QueueClock = {}): Job {
  const at = now(options);
  return writeTransaction(db, (tx) => cancelJobIn(tx, jobId, at));
}

export function cancelJobIn(tx: Db, jobId: number, at: number): Job {
  const job = findJobById(tx, jobId);
  if (!job) throw jobNotFound(jobId);
  if (job.status !== "queued" && job.status !== "running") return job;
  if (job.status === "running" && job.leaseToken) endAttempt(tx, job.leaseToken, "cancelled", at);
  updateJob(tx, jobId, { status: "cancelled", leaseExpiresAt: null, finishedAt: at }, at);
  syncDependents(tx, [jobId], at);
  return findJobById(tx, jobId)!;
}

/**
 * Fails a queued job that no attempt holds, with a permanent error: what runs it outside the queue (the Slurm
 * submitter) knows it cannot succeed as it is. Returns false, changing nothing, unless the job is queued.
 */
export function failQueuedJobIn(tx: Db, jobId: number, error: JobError, at: number): boolean {
  const job = findJobById(tx, jobId);
  if (!job || job.status !== "queued") return false;
  updateJob(tx, jobId, { status: "failed", lastError: error, leaseToken: null, leaseExpiresAt: null, finishedAt: at }, at);
  syncDependents(tx, [jobId], at);
  return true;
}

/** Puts a failed or cancelled job back in the queue with a fresh attempt budget. */
export function retryJob(db: Db, jobId: number, options: QueueClock = {}): Job {
  const at = now(options);
  return writeTransaction(db, (tx) => retryJobIn(tx, jobId, at));
}

export function retryJobIn(tx: Db, jobId: number, at: number): Job {
  const job = findJobById(tx, jobId);
  if (!job) throw jobNotFound(jobId);
  if (job.status !== "failed" && job.status !== "cancelled") {
    throw new PmaError("job_not_retryable", `job #${jobId} is ${job.status}; only failed or cancelled jobs can be retried`);
  }
  updateJob(tx, jobId, { status: "queued", attempts: 0, runAfter: at, leaseToken: null, leaseExpiresAt: null, finishedAt: null, result: null, progress: null }, at);
  syncDependents(tx, [jobId], at);
  return findJobById(tx, jobId)!;
}

type Finish =
  | { status: "succeeded"; outcome: "succeeded"; result: unknown }
  | { status: "failed"; outcome: "failed"; error: JobError };

function finishAttempt(tx: Db, job: Job, leaseToken: string, finish: Finish, at: number): void {
  // Evaluate jobs carry their metrics in the result: recorded here, under the same fence as the complete.
  if (finish.status === "succeeded" && job.kind === "evaluate") recordEvaluateResult(tx, job, findAttemptByToken(tx, leaseToken)!, finish.result, at);
  endAttempt(tx, leaseToken, finish.outcome, at, finish.status === "failed" ? finish.error : undefined);
  updateJob(
    tx,
    job.id,
    finish.status === "succeeded"
      ? { status: "succeeded", result: finish.result, leaseExpiresAt: null, finishedAt: at }
      : { status: "failed", lastError: finish.error, leaseExpiresAt: null, finishedAt: at },
    at,
  );
  syncDependents(tx, [job.id], at);
}

/** Everything derived from a job's state, kept in step inside the transaction that changes it. */
function syncDependents(tx: Db, jobIds: number[], at: number): void {
  syncCellsForJobs(tx, jobIds);
  syncEvaluationsForJobs(tx, jobIds, at);
  deleteUnfinishedEvaluationMetrics(tx, jobIds);
}

/** What the job records about a failure. File-system errors that the operator can fix get their own codes. */
export function toJobError(error: unknown): JobError {
  if (error instanceof PmaError) return { code: error.code, message: error.message, permanent: error.permanent };
  const message = error instanceof Error ? error.message : String(error);
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno === "ENOSPC" || errno === "EDQUOT") {
    return { code: "disk_full", message: `no space left on the device (${message}); free space (pma-lab gc deletes merged models nobody keeps), then retry the job`, permanent: false };
  }
  if (errno === "EIO") return { code: "io_error", message: `the storage reported an I/O error (${message}); check the disk, then retry the job`, permanent: false };
  return { code: "internal", message, permanent: false };
}

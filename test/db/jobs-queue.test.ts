import { describe, expect, it } from "vitest";
import { findJobById, listAttempts } from "../../db/queries";
import {
  backoffDelay,
  cancelJob,
  claimJob,
  completeJob,
  enqueueJob,
  failJob,
  heartbeatJob,
  releaseJob,
  reapExpiredLeases,
  reportProgress,
  retryJob,
  type QueueOptions,
} from "../../lib/jobs/queue";
import { manualClock, tempDataDir } from "../lib/jobs/helpers";

const LEASE = 1_000;
const backoff = { baseMs: 100, maxMs: 1_000 };

function setup() {
  const { db } = tempDataDir();
  const clock = manualClock();
  const opts = (): QueueOptions => ({ now: clock.now, random: () => 0.5, backoff });
  const claim = (kinds = ["noop"]) => claimJob(db, { workerId: null, kinds, leaseMs: LEASE }, opts());
  return { db, clock, opts, claim };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe("job queue", () => {
  it("validates payloads against the kind's schema on enqueue", () => {
    const { db } = setup();
    expect(codeOf(() => enqueueJob(db, { kind: "nope" as "noop", payload: {} }))).toBe("job_kind_unknown");
    expect(codeOf(() => enqueueJob(db, { kind: "noop", payload: { sleepMs: -1 } }))).toBe("job_payload_invalid");
    expect(codeOf(() => enqueueJob(db, { kind: "merge", payload: { runId: 1, inputs: [], outputs: [] } as never }))).toBe("job_payload_invalid");
    const job = enqueueJob(db, { kind: "noop", payload: {} });
    expect(job.payload).toEqual({ sleepMs: 0 });
    expect(job.status).toBe("queued");
  });

  it("claims the highest priority, oldest due job with a fresh token and lease, once", () => {
    const { db, clock, opts, claim } = setup();
    const low = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    const high = enqueueJob(db, { kind: "noop", payload: {}, priority: 5 }, opts());
    enqueueJob(db, { kind: "noop", payload: {}, runAfter: clock.now + 10_000 }, opts());
    const first = claim();
    expect(first.job?.id).toBe(high.id);
    expect(first.job?.attempt).toBe(1);
    expect(first.job?.leaseExpiresAt).toBe(clock.now + LEASE);
    expect(first.job?.leaseToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const second = claim();
    expect(second.job?.id).toBe(low.id);
    expect(second.job?.leaseToken).not.toBe(first.job?.leaseToken);
    expect(claim().job).toBeNull(); // the third is not due yet
    expect(claim().pending).toBe(3);
    expect(claim(["merge"]).job).toBeNull();
    expect(listAttempts(db, high.id).map((a) => a.outcome)).toEqual(["running"]);
  });

  it("heartbeats, progress and completion need the current token; a stale one changes nothing", () => {
    const { db, clock, opts, claim } = setup();
    const job = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    const { job: claimed } = claim();
    const token = claimed!.leaseToken;
    const before = findJobById(db, job.id)!;
    expect(codeOf(() => heartbeatJob(db, { jobId: job.id, leaseToken: "forged", leaseMs: LEASE }, opts()))).toBe("lease_lost");
    expect(codeOf(() => reportProgress(db, { jobId: job.id, leaseToken: "forged", progress: { phase: "x" } }, opts()))).toBe("lease_lost");
    expect(codeOf(() => completeJob(db, { jobId: job.id, leaseToken: "forged", result: 1 }, opts()))).toBe("lease_lost");
    expect(findJobById(db, job.id)).toEqual(before);

    clock.advance(600);
    expect(heartbeatJob(db, { jobId: job.id, leaseToken: token, leaseMs: LEASE }, opts()).leaseExpiresAt).toBe(clock.now + LEASE);
    clock.advance(600); // past the first expiry, within the extended one
    reportProgress(db, { jobId: job.id, leaseToken: token, progress: { phase: "merging", bytesDone: 5 } }, opts());
    expect(findJobById(db, job.id)!.progress).toMatchObject({ phase: "merging", bytesDone: 5, at: clock.now });
    expect(completeJob(db, { jobId: job.id, leaseToken: token, result: { ok: 1 } }, opts())).toEqual({ duplicate: false });
    const done = findJobById(db, job.id)!;
    clock.advance(50);
    // A repeated complete (a retried HTTP call whose answer got lost) has no second effect.
    expect(completeJob(db, { jobId: job.id, leaseToken: token, result: { ok: 2 } }, opts())).toEqual({ duplicate: true });
    expect(findJobById(db, job.id)).toEqual(done);
    expect(done.status).toBe("succeeded");
    expect(done.result).toEqual({ ok: 1 });
    // ...but the attempt cannot fail or heartbeat any more.
    expect(codeOf(() => failJob(db, { jobId: job.id, leaseToken: token, error: { code: "x", message: "x", permanent: false } }, opts()))).toBe("lease_lost");
    expect(codeOf(() => heartbeatJob(db, { jobId: job.id, leaseToken: token, leaseMs: LEASE }, opts()))).toBe("lease_lost");
  });

  it("an expired lease is refused, re-claimed after back-off and counts as an attempt, until the job fails", () => {
    const { db, clock, opts, claim } = setup();
    const job = enqueueJob(db, { kind: "noop", payload: {}, maxAttempts: 2 }, opts());
    const first = claim().job!;
    clock.advance(LEASE + 1);
    // Expired but not yet re-claimed: the old holder is refused already.
    expect(codeOf(() => heartbeatJob(db, { jobId: job.id, leaseToken: first.leaseToken, leaseMs: LEASE }, opts()))).toBe("lease_lost");
    expect(claim().job).toBeNull(); // reaped, now waiting out the back-off (100 ms × 0.75)
    expect(findJobById(db, job.id)).toMatchObject({ status: "queued", attempts: 1, lastError: { code: "lease_expired" } });
    clock.advance(75);
    const second = claim().job!;
    expect(second.attempt).toBe(2);
    expect(codeOf(() => completeJob(db, { jobId: job.id, leaseToken: first.leaseToken, result: null }, opts()))).toBe("lease_lost");
    clock.advance(LEASE + 1);
    expect(reapExpiredLeases(db, opts())).toBe(1);
    const failed = findJobById(db, job.id)!;
    expect(failed.status).toBe("failed");
    expect(failed.lastError?.message).toMatch(/gave up after 2 of 2 attempts/);
    expect(listAttempts(db, job.id).map((a) => a.outcome)).toEqual(["expired", "expired"]);
  });

  it("retries failures with exponential back-off and jitter; permanent errors fail at once", () => {
    const { db, clock, opts, claim } = setup();
    const retryable = { code: "io", message: "EIO", permanent: false };
    const job = enqueueJob(db, { kind: "noop", payload: {}, maxAttempts: 3 }, opts());
    let claimed = claim().job!;
    const outcome = failJob(db, { jobId: job.id, leaseToken: claimed.leaseToken, error: retryable }, opts());
    expect(outcome).toEqual({ status: "queued", runAfter: clock.now + 75, duplicate: false });
    // The same fail again (lost response) is recognised.
    expect(failJob(db, { jobId: job.id, leaseToken: claimed.leaseToken, error: retryable }, opts()).duplicate).toBe(true);
    expect(findJobById(db, job.id)!.attempts).toBe(1);
    clock.advance(74);
    expect(claim().job).toBeNull();
    clock.advance(1);
    claimed = claim().job!;
    expect(failJob(db, { jobId: job.id, leaseToken: claimed.leaseToken, error: retryable }, opts()).runAfter).toBe(clock.now + 150);
    clock.advance(150);
    claimed = claim().job!;
    expect(failJob(db, { jobId: job.id, leaseToken: claimed.leaseToken, error: retryable }, opts()).status).toBe("failed");
    expect(findJobById(db, job.id)!.lastError?.message).toMatch(/gave up after 3 of 3/);

    const permanent = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    const token = claim().job!.leaseToken;
    expect(failJob(db, { jobId: permanent.id, leaseToken: token, error: { code: "bad", message: "bad input", permanent: true } }, opts()).status).toBe("failed");
    expect(findJobById(db, permanent.id)).toMatchObject({ status: "failed", attempts: 1, lastError: { code: "bad" } });
  });

  it("computes back-off as base·2^(n−1), capped, scaled by [0.5, 1)", () => {
    const policy = { baseMs: 1_000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(1_000);
  });

  it("cancels queued and running jobs (the running worker is fenced out) and retries failed ones", () => {
    const { db, clock, opts, claim } = setup();
    const queued = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    expect(cancelJob(db, queued.id, opts()).status).toBe("cancelled");
    expect(claim().job).toBeNull();
    const running = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    const token = claim().job!.leaseToken;
    cancelJob(db, running.id, opts());
    expect(codeOf(() => heartbeatJob(db, { jobId: running.id, leaseToken: token, leaseMs: LEASE }, opts()))).toBe("lease_lost");
    expect(codeOf(() => completeJob(db, { jobId: running.id, leaseToken: token, result: null }, opts()))).toBe("lease_lost");
    expect(findJobById(db, running.id)!.status).toBe("cancelled");
    expect(codeOf(() => retryJob(db, 999))).toBe("job_not_found");
    const retried = retryJob(db, running.id, opts());
    expect(retried).toMatchObject({ status: "queued", attempts: 0 });
    expect(codeOf(() => retryJob(db, running.id, opts()))).toBe("job_not_retryable");
    clock.advance(1);
    expect(claim().job?.id).toBe(running.id);
  });

  it("a released job goes straight back to the queue without using up an attempt", () => {
    const { db, opts, claim } = setup();
    const job = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    const token = claim().job!.leaseToken;
    releaseJob(db, { jobId: job.id, leaseToken: token }, opts());
    expect(findJobById(db, job.id)).toMatchObject({ status: "queued", attempts: 0 });
    expect(codeOf(() => releaseJob(db, { jobId: job.id, leaseToken: token }, opts()))).toBe("lease_lost");
    const again = claim().job!;
    expect(again.attempt).toBe(2); // the claim number: logs and partial outputs never collide
    expect(findJobById(db, job.id)!.attempts).toBe(1); // the budget: only one counted
  });

  it("fails a stored payload that no longer validates instead of handing it out", () => {
    const { db, opts, claim } = setup();
    const job = enqueueJob(db, { kind: "noop", payload: {} }, opts());
    db.$client.prepare("update jobs set payload = ? where id = ?").run(JSON.stringify({ sleepMs: "soon" }), job.id);
    expect(claim().job).toBeNull();
    expect(findJobById(db, job.id)).toMatchObject({ status: "failed", lastError: { code: "job_payload_invalid", permanent: true } });
  });
});

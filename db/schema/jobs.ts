import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { workers } from "./workers";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";
export type AttemptOutcome = "running" | "succeeded" | "failed" | "expired" | "released" | "cancelled";

/** What a worker last said about a running job; shown as a progress bar with rate and ETA. */
export interface JobProgress {
  phase: string;
  bytesDone?: number;
  bytesTotal?: number;
  /** Bytes per second over the attempt so far. */
  rate?: number;
  etaSeconds?: number;
  outputsDone?: number;
  outputsTotal?: number;
  message?: string;
  /** Milliseconds since the epoch, set by the server. */
  at?: number;
}

export interface JobError {
  code: string;
  message: string;
  permanent: boolean;
}

/**
 * The durable queue. Times that the queue compares (`run_after`, `lease_expires_at`) are integer milliseconds
 * since the epoch, so a claim is one indexed range scan. `lease_token` fences every worker call: only the holder
 * of the current token, before `lease_expires_at`, may heartbeat, report, publish, complete or fail.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    /** Validated against the kind's zod schema on enqueue and again on claim (lib/jobs/kinds.ts). */
    payload: text("payload", { mode: "json" }).$type<unknown>().notNull(),
    status: text("status").$type<JobStatus>().notNull().default("queued"),
    /** Higher first; ties go oldest first. */
    priority: integer("priority").notNull().default(0),
    /** Attempts used against `max_attempts`: claims, including ones that ended in an expired lease. */
    attempts: integer("attempts").notNull().default(0),
    /** Every claim ever (never reset by retry or release): numbers the attempts, their logs and partial outputs. */
    claims: integer("claims").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    runAfter: integer("run_after").notNull(),
    leaseToken: text("lease_token"),
    leaseExpiresAt: integer("lease_expires_at"),
    workerId: integer("worker_id").references(() => workers.id, { onDelete: "set null" }),
    progress: text("progress", { mode: "json" }).$type<JobProgress>(),
    lastError: text("last_error", { mode: "json" }).$type<JobError>(),
    result: text("result", { mode: "json" }).$type<unknown>(),
    /** Bytes the job will write to the data dir when it runs (disk reservation for later sweeps). */
    estimatedBytes: integer("estimated_bytes").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (table) => [
    index("jobs_claim").on(table.status, table.kind, table.priority, table.runAfter),
    index("jobs_lease").on(table.status, table.leaseExpiresAt),
  ],
);

/**
 * One row per claim. The lease token lives here for good, so a repeated `complete` or `fail` for an attempt that
 * already ended is recognised and answered with the recorded outcome (one effect), and history survives retries.
 */
export const jobAttempts = sqliteTable(
  "job_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** The job's claim number (jobs.claims at claim time). */
    attempt: integer("attempt").notNull(),
    leaseToken: text("lease_token").notNull(),
    workerId: integer("worker_id").references(() => workers.id, { onDelete: "set null" }),
    outcome: text("outcome").$type<AttemptOutcome>().notNull().default("running"),
    error: text("error", { mode: "json" }).$type<JobError>(),
    /** Captured log, relative to the data dir (`logs/jobs/<job>/attempt-<n>.log`). */
    logPath: text("log_path"),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (table) => [uniqueIndex("job_attempts_token").on(table.leaseToken), uniqueIndex("job_attempts_job_attempt").on(table.jobId, table.attempt)],
);

export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
export type JobAttempt = typeof jobAttempts.$inferSelect;

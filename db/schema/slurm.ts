import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { jobs } from "./jobs";
import { sweeps } from "./sweeps";
import { workerTokens } from "./workers";

/**
 * What a sweep or a job asks of the cluster. Every field is optional: the submitter fills the gaps from
 * `slurm.json` and the job's own estimate (lib/slurm/resources.ts). Time in minutes, memory in MiB.
 */
export interface SlurmSettings {
  partition?: string;
  account?: string;
  qos?: string;
  timeMinutes?: number;
  cpus?: number;
  memMiB?: number;
  gpus?: number;
  /** `--gres=gpu:<type>:K` when set. */
  gpuType?: string;
  /** More sbatch options, one per line, e.g. `--constraint=a100`. */
  extra?: string[];
}

/** A sweep that runs on Slurm: every job enqueued for it (passes, evaluations, retries) is targeted too. */
export const slurmSweepTargets = sqliteTable("slurm_sweep_targets", {
  sweepId: integer("sweep_id")
    .primaryKey()
    .references(() => sweeps.id, { onDelete: "cascade" }),
  settings: text("settings", { mode: "json" }).$type<SlurmSettings>().notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * A job that runs on Slurm. Ordinary workers never claim it (db/queries/jobs.ts skips targeted jobs); the
 * submitter hands it to `sbatch`, and only the worker started there, with its submission's token, claims it.
 */
export const slurmJobTargets = sqliteTable("slurm_job_targets", {
  jobId: integer("job_id")
    .primaryKey()
    .references(() => jobs.id, { onDelete: "cascade" }),
  /** Jobs of one sweep with the same request go out as one job array. */
  sweepId: integer("sweep_id").references(() => sweeps.id, { onDelete: "set null" }),
  settings: text("settings", { mode: "json" }).$type<SlurmSettings>().notNull(),
  createdAt: integer("created_at").notNull(),
});

export type SubmissionState = "submitting" | "submitted" | "ended" | "rejected";

/** What was asked of sbatch, fully resolved (after defaults and estimates). */
export interface SbatchRequest {
  partition?: string;
  account?: string;
  qos?: string;
  timeMinutes: number;
  cpus: number;
  memMiB: number;
  gpus: number;
  gpuType?: string;
  extra: string[];
}

/**
 * One `sbatch` call: a plain job or a job array, one task per PMA Lab job. Its worker token (a worker_tokens row
 * named `slurm-submission-<id>`, stored hashed) may claim only these tasks' jobs and is revoked when all ended.
 */
export const slurmSubmissions = sqliteTable(
  "slurm_submissions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** The Slurm job name (`--job-name`), unique per data dir: how a crashed submitter finds what it submitted. */
    name: text("name").notNull(),
    /** Slurm's job id (the array's id for arrays); null until sbatch answered. */
    slurmJobId: text("slurm_job_id"),
    state: text("state").$type<SubmissionState>().notNull(),
    kind: text("kind").notNull(),
    sweepId: integer("sweep_id").references(() => sweeps.id, { onDelete: "set null" }),
    isArray: integer("is_array", { mode: "boolean" }).notNull(),
    request: text("request", { mode: "json" }).$type<SbatchRequest>().notNull(),
    /** The generated batch script, exactly as given to sbatch (it holds no secret). */
    script: text("script").notNull(),
    tokenId: integer("token_id").references(() => workerTokens.id, { onDelete: "set null" }),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    submittedAt: integer("submitted_at"),
    endedAt: integer("ended_at"),
  },
  (table) => [index("slurm_submissions_state").on(table.state), index("slurm_submissions_token").on(table.tokenId)],
);

/** How the submitter settled a task once Slurm was done with it. */
export type TaskSettlement = "reported" | "retried" | "failed" | "released" | "cancelled" | "unclaimed" | "vanished" | "rejected";

/** One PMA Lab job inside a submission (an array task, or the whole job when it is not an array). */
export const slurmTasks = sqliteTable(
  "slurm_tasks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    submissionId: integer("submission_id")
      .notNull()
      .references(() => slurmSubmissions.id, { onDelete: "cascade" }),
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** SLURM_ARRAY_TASK_ID; null for a plain job. */
    arrayIndex: integer("array_index"),
    /** Last state seen (PENDING, RUNNING, COMPLETED, OUT_OF_MEMORY, …); null before the first look. */
    slurmState: text("slurm_state"),
    reason: text("reason"),
    /** `code:signal`, as Slurm prints it. */
    exitCode: text("exit_code"),
    restarts: integer("restarts").notNull().default(0),
    settled: text("settled").$type<TaskSettlement>(),
    /** What happened, in words, for the job page. */
    message: text("message"),
    cancelRequestedAt: integer("cancel_requested_at"),
    updatedAt: integer("updated_at").notNull(),
    endedAt: integer("ended_at"),
  },
  (table) => [index("slurm_tasks_submission").on(table.submissionId), index("slurm_tasks_job").on(table.jobId), index("slurm_tasks_settled").on(table.settled)],
);

export type SlurmSweepTarget = typeof slurmSweepTargets.$inferSelect;
export type SlurmJobTarget = typeof slurmJobTargets.$inferSelect;
export type SlurmSubmission = typeof slurmSubmissions.$inferSelect;
export type SlurmTask = typeof slurmTasks.$inferSelect;

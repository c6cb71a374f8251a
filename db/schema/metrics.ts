import { sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { artifacts } from "./artifacts";
import { checkpoints } from "./checkpoints";
import { jobs, type JobError } from "./jobs";
import { recipes } from "./sweeps";

export type EvaluationStatus = "queued" | "running" | "succeeded" | "failed";
export type EvaluationOrigin = "job" | "import";

/**
 * One evaluator run on one model — a registered checkpoint or a merge recipe — or one imported file's scores
 * for one checkpoint. `key` is what was measured (lib/eval/plan.ts: evaluator fingerprint × target identity; for
 * imports, the file's sha256 × target), unique, so planning skips what is scored and a duplicate import or a
 * duplicate complete has one effect.
 */
export const evaluations = sqliteTable(
  "evaluations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    /** The evaluator's name, or "import:lm-eval" / "import:csv". */
    evaluator: text("evaluator").notNull(),
    /** Hash of the evaluator's kind and settings when it ran (null for imports). */
    evaluatorFingerprint: text("evaluator_fingerprint"),
    origin: text("origin").$type<EvaluationOrigin>().notNull(),
    checkpointId: integer("checkpoint_id").references(() => checkpoints.id, { onDelete: "cascade" }),
    recipeHash: text("recipe_hash").references(() => recipes.hash, { onDelete: "cascade" }),
    status: text("status").$type<EvaluationStatus>().notNull(),
    jobId: integer("job_id").references(() => jobs.id, { onDelete: "set null" }),
    /** The attempt whose results were recorded (the winning one). */
    attempt: integer("attempt"),
    /** Data-dir relative: the job attempt's log. */
    logPath: text("log_path"),
    /** The published raw outputs (results JSON, metrics file, evaluator log). */
    rawArtifactId: integer("raw_artifact_id").references(() => artifacts.id, { onDelete: "set null" }),
    /** Data-dir relative copy of an imported file (`imports/<sha256>.json|csv`). */
    rawPath: text("raw_path"),
    sourceSha256: text("source_sha256"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    error: text("error", { mode: "json" }).$type<JobError>(),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (table) => [
    uniqueIndex("evaluations_key").on(table.key),
    index("evaluations_checkpoint").on(table.checkpointId),
    index("evaluations_recipe").on(table.recipeHash),
    index("evaluations_job").on(table.jobId),
    check("evaluations_one_target", sql`(${table.checkpointId} is null) <> (${table.recipeHash} is null)`),
    // Covers the ablation grid's read of a sweep's evaluations (by recipe, newest succeeded) without the table.
    index("evaluations_grid_cover").on(table.recipeHash, table.status, table.finishedAt, table.id),
  ],
);

/** Append-only scores. One row per (evaluation, name): a duplicate batch inserts nothing. */
export const metrics = sqliteTable(
  "metrics",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    evaluationId: integer("evaluation_id")
      .notNull()
      .references(() => evaluations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    value: real("value").notNull(),
    stderr: real("stderr"),
    n: integer("n"),
    higherIsBetter: integer("higher_is_better", { mode: "boolean" }),
  },
  (table) => [
    uniqueIndex("metrics_evaluation_name").on(table.evaluationId, table.name),
    index("metrics_name").on(table.name),
    // Covers the grid's read of every score of a sweep's evaluations: an index-only scan.
    index("metrics_grid_cover").on(table.evaluationId, table.name, table.value, table.stderr, table.n, table.higherIsBetter),
  ],
);

export type Evaluation = typeof evaluations.$inferSelect;
export type NewEvaluation = typeof evaluations.$inferInsert;
export type Metric = typeof metrics.$inferSelect;

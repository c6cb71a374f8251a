import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { MergeRecipe } from "../../lib/merge/plan/recipe";
import type { SchemeSpec } from "../../lib/merge/weights/spec";
import { jobs } from "./jobs";
import { runs } from "./runs";

export type SweepStatus = "queued" | "running" | "done" | "failed" | "cancelled" | "infeasible";
export type CellStatus = "infeasible" | "queued" | "running" | "done" | "failed" | "cancelled";

export interface StoredSweepGrid {
  points: number[];
  ns: number[];
  intervals: number[];
  schemes: SchemeSpec[];
  tolerance?: number;
}

/** A merge recipe, stored once under its hash: the same recipe is computed once and reused everywhere. */
export const recipes = sqliteTable("recipes", {
  hash: text("hash").primaryKey(),
  recipe: text("recipe", { mode: "json" }).$type<MergeRecipe>().notNull(),
  runId: integer("run_id").references(() => runs.id, { onDelete: "set null" }),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});

export const sweeps = sqliteTable("sweeps", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  runId: integer("run_id")
    .notNull()
    .references(() => runs.id, { onDelete: "cascade" }),
  grid: text("grid", { mode: "json" }).$type<StoredSweepGrid>().notNull(),
  /** Evaluator names to run on every merged model (evaluations arrive with the evaluator issue). */
  evaluators: text("evaluators", { mode: "json" }).$type<string[]>().notNull(),
  status: text("status").$type<SweepStatus>().notNull().default("queued"),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  updatedAt: text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});

export const sweepCells = sqliteTable(
  "sweep_cells",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sweepId: integer("sweep_id")
      .notNull()
      .references(() => sweeps.id, { onDelete: "cascade" }),
    /** Position in the sweep, stable across appends. */
    position: integer("position").notNull(),
    scheme: text("scheme", { mode: "json" }).$type<SchemeSpec>().notNull(),
    /** EMA's α, copied out of `scheme` so grids can sort and group on it; null for other schemes. */
    alpha: real("alpha"),
    n: integer("n").notNull(),
    /** V, tokens. */
    interval: integer("interval").notNull(),
    /** T, tokens. */
    point: integer("point").notNull(),
    feasible: integer("feasible", { mode: "boolean" }).notNull(),
    reason: text("reason"),
    reasonCode: text("reason_code"),
    notes: text("notes", { mode: "json" }).$type<string[]>(),
    recipeHash: text("recipe_hash").references(() => recipes.hash),
    /** Keep the merged model after its evaluations are done (otherwise `pma-lab gc` may delete it). */
    keep: integer("keep", { mode: "boolean" }).notNull().default(false),
    status: text("status").$type<CellStatus>().notNull(),
    /** The job that produces (or produced) this cell's merged model; null when reused or infeasible. */
    jobId: integer("job_id").references(() => jobs.id, { onDelete: "set null" }),
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (table) => [
    uniqueIndex("sweep_cells_position").on(table.sweepId, table.position),
    index("sweep_cells_job").on(table.jobId),
    index("sweep_cells_recipe").on(table.recipeHash),
  ],
);

export type Recipe = typeof recipes.$inferSelect;
export type Sweep = typeof sweeps.$inferSelect;
export type SweepCell = typeof sweepCells.$inferSelect;
export type NewSweepCell = typeof sweepCells.$inferInsert;

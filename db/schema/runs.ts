import { sql } from "drizzle-orm";
import { integer, real, sqliteTable, text, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { recipes } from "./sweeps";

/** A declared learning-rate schedule: the step at which each phase ends (warmup < stable <= decay). */
export interface DeclaredSchedule {
  warmupEnd: number;
  stableEnd: number;
  decayEnd?: number;
}

export interface ScanSummary {
  at: string;
  directory: string;
  added: number;
  updated: number;
  missing: number;
  rejected: { path: string; reason: string; code: string }[];
}

export const runs = sqliteTable("runs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  /** Real path of the directory the run's checkpoints were scanned from. */
  directory: text("directory"),
  tokensPerStep: integer("tokens_per_step"),
  schedule: text("schedule", { mode: "json" }).$type<DeclaredSchedule>(),
  /** A branch is forked from a parent run at a token count (an annealed baseline, typically). */
  parentRunId: integer("parent_run_id").references((): AnySQLiteColumn => runs.id, { onDelete: "set null" }),
  forkTokens: integer("fork_tokens"),
  /** Free-form label: "annealed", "constant", "unstable", "restart", ... */
  kind: text("kind"),
  /** Model size in parameters, filled from the first checkpoint that is registered. */
  params: integer("params"),
  peakLr: real("peak_lr"),
  /**
   * The merge this run was initialised from (PMA-init: a run resumed from an average of the last k checkpoints of
   * another run, typically at a loss spike). The recipe names the merged checkpoints and their weights.
   */
  initRecipeHash: text("init_recipe_hash").references((): AnySQLiteColumn => recipes.hash, { onDelete: "set null" }),
  lastScan: text("last_scan", { mode: "json" }).$type<ScanSummary>(),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});

export type Run = typeof runs.$inferSelect;
export type NewRun = typeof runs.$inferInsert;

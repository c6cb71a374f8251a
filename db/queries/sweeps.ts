import { and, asc, desc, eq, inArray, like, notInArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  jobs,
  recipes,
  runs,
  sweepCells,
  sweeps,
  type CellStatus,
  type JobStatus,
  type NewSweepCell,
  type Recipe,
  type StoredSweepGrid,
  type Sweep,
  type SweepCell,
  type SweepStatus,
} from "../schema";
import { findPublishedArtifactsByRecipes } from "./artifacts";

export function insertSweep(db: Db, sweep: { runId: number; grid: StoredSweepGrid; evaluators: string[] }): Sweep {
  return db.insert(sweeps).values(sweep).returning().get();
}

export function findSweepById(db: Db, id: number): Sweep | undefined {
  return db.select().from(sweeps).where(eq(sweeps.id, id)).get();
}

export function updateSweepGrid(db: Db, id: number, grid: StoredSweepGrid): void {
  db.update(sweeps).set({ grid, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` }).where(eq(sweeps.id, id)).run();
}

export interface SweepSummary extends Sweep {
  runName: string;
  cells: number;
  counts: Record<CellStatus, number>;
}

/** Newest first, with the run's name and the cells counted by status. */
export function listSweeps(db: Db, options: { runId?: number; limit?: number } = {}): SweepSummary[] {
  const rows = db
    .select({ sweep: sweeps, runName: runs.name })
    .from(sweeps)
    .innerJoin(runs, eq(runs.id, sweeps.runId))
    .where(options.runId === undefined ? undefined : eq(sweeps.runId, options.runId))
    .orderBy(desc(sweeps.id))
    .limit(options.limit ?? 100)
    .all();
  const counts = countCellsBySweep(db, rows.map((row) => row.sweep.id));
  return rows.map(({ sweep, runName }) => {
    const byStatus = counts.get(sweep.id) ?? emptyCounts();
    return { ...sweep, runName, cells: Object.values(byStatus).reduce((a, b) => a + b, 0), counts: byStatus };
  });
}

function emptyCounts(): Record<CellStatus, number> {
  return { infeasible: 0, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
}

function countCellsBySweep(db: Db, sweepIds: number[]): Map<number, Record<CellStatus, number>> {
  const result = new Map<number, Record<CellStatus, number>>();
  if (sweepIds.length === 0) return result;
  const rows = db
    .select({ sweepId: sweepCells.sweepId, status: sweepCells.status, count: sql<number>`count(*)` })
    .from(sweepCells)
    .where(inArray(sweepCells.sweepId, sweepIds))
    .groupBy(sweepCells.sweepId, sweepCells.status)
    .all();
  for (const row of rows) {
    const counts = result.get(row.sweepId) ?? emptyCounts();
    counts[row.status] = row.count;
    result.set(row.sweepId, counts);
  }
  return result;
}

/** Inserts recipes not stored yet; a stored recipe is immutable (same hash, same content). */
export function insertRecipes(db: Db, rows: Recipe[] | Omit<Recipe, "createdAt">[]): void {
  for (const row of rows) {
    db.insert(recipes).values(row).onConflictDoNothing().run();
  }
}

export function findRecipe(db: Db, hash: string): Recipe | undefined {
  return db.select().from(recipes).where(eq(recipes.hash, hash)).get();
}

export function insertCells(db: Db, rows: NewSweepCell[]): SweepCell[] {
  return rows.map((row) => db.insert(sweepCells).values(row).returning().get());
}

export function listCells(db: Db, sweepId: number): SweepCell[] {
  return db.select().from(sweepCells).where(eq(sweepCells.sweepId, sweepId)).orderBy(asc(sweepCells.position)).all();
}

export function findCellsByIds(db: Db, ids: number[]): SweepCell[] {
  if (ids.length === 0) return [];
  return db.select().from(sweepCells).where(inArray(sweepCells.id, ids)).all();
}

export function listCellsForJobs(db: Db, jobIds: number[]): SweepCell[] {
  if (jobIds.length === 0) return [];
  return db.select().from(sweepCells).where(inArray(sweepCells.jobId, jobIds)).all();
}

export function updateCells(db: Db, ids: number[], patch: Partial<Pick<SweepCell, "status" | "jobId" | "keep">>): void {
  if (ids.length === 0) return;
  db.update(sweepCells).set(patch).where(inArray(sweepCells.id, ids)).run();
}

/** recipe hash → a queued or running job already producing it (in this sweep or another). */
export function findActiveJobsForRecipes(db: Db, hashes: string[]): Map<string, number> {
  if (hashes.length === 0) return new Map();
  const rows = db
    .select({ recipeHash: sweepCells.recipeHash, jobId: sweepCells.jobId })
    .from(sweepCells)
    .innerJoin(jobs, eq(jobs.id, sweepCells.jobId))
    .where(and(inArray(sweepCells.recipeHash, [...new Set(hashes)]), inArray(jobs.status, ["queued", "running"])))
    .all();
  return new Map(rows.map((row) => [row.recipeHash!, row.jobId!]));
}

export const CELL_FROM_JOB: Record<JobStatus, CellStatus> = {
  queued: "queued",
  running: "running",
  // A job that succeeded without publishing this cell's model is a handler bug: say so rather than "done".
  succeeded: "failed",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * Re-derives the status of every cell attached to `jobIds` (a published model wins over the job's state), then
 * the status of their sweeps. Called inside the same transaction as every job transition and every publish, so
 * cells never disagree with the queue. Cells cancelled by the user stay cancelled.
 */
export function syncCellsForJobs(db: Db, jobIds: number[]): void {
  const cells = listCellsForJobs(db, jobIds).filter((cell) => cell.status !== "cancelled" && cell.status !== "infeasible");
  if (cells.length === 0) return;
  const statusByJob = new Map(
    db
      .select({ id: jobs.id, status: jobs.status })
      .from(jobs)
      .where(inArray(jobs.id, [...new Set(cells.map((cell) => cell.jobId!))]))
      .all()
      .map((row) => [row.id, row.status]),
  );
  const published = findPublishedArtifactsByRecipes(db, cells.map((cell) => cell.recipeHash!).filter(Boolean));
  const byStatus = new Map<CellStatus, number[]>();
  for (const cell of cells) {
    const status: CellStatus = published.has(cell.recipeHash!) ? "done" : CELL_FROM_JOB[statusByJob.get(cell.jobId!) ?? "failed"];
    if (status === cell.status) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), cell.id]);
  }
  for (const [status, ids] of byStatus) updateCells(db, ids, { status });
  refreshSweepStatus(db, [...new Set(cells.map((cell) => cell.sweepId))]);
}

/** After a model is published: every non-cancelled cell using the recipe, in any sweep, is done. */
export function markRecipeCellsDone(db: Db, recipeHash: string): void {
  const cells = db
    .select({ id: sweepCells.id, sweepId: sweepCells.sweepId })
    .from(sweepCells)
    .where(and(eq(sweepCells.recipeHash, recipeHash), notInArray(sweepCells.status, ["done", "cancelled", "infeasible"])))
    .all();
  if (cells.length === 0) return;
  updateCells(db, cells.map((cell) => cell.id), { status: "done" });
  refreshSweepStatus(db, [...new Set(cells.map((cell) => cell.sweepId))]);
}

/** A sweep is running while any cell is queued or running, then failed / done / cancelled by what its cells ended as. */
export function deriveSweepStatus(counts: Record<CellStatus, number>): SweepStatus {
  const started = counts.running + counts.done + counts.failed;
  if (counts.running > 0 || (counts.queued > 0 && started > 0)) return "running";
  if (counts.queued > 0) return "queued";
  if (counts.failed > 0) return "failed";
  if (counts.done > 0) return "done";
  if (counts.cancelled > 0) return "cancelled";
  return "infeasible";
}

export function refreshSweepStatus(db: Db, sweepIds: number[]): void {
  const counts = countCellsBySweep(db, sweepIds);
  for (const sweepId of sweepIds) {
    const status = deriveSweepStatus(counts.get(sweepId) ?? emptyCounts());
    db.update(sweeps)
      .set({ status, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
      .where(and(eq(sweeps.id, sweepId), sql`${sweeps.status} <> ${status}`))
      .run();
  }
}

/** Recipes whose hash starts with `prefix` (at most `limit`), for commands that accept a short hash. */
export function findRecipesByHashPrefix(db: Db, prefix: string, limit = 2): Recipe[] {
  return db.select().from(recipes).where(like(recipes.hash, `${prefix}%`)).limit(limit).all();
}

export function updateSweepEvaluators(db: Db, id: number, evaluators: string[]): void {
  db.update(sweeps).set({ evaluators, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` }).where(eq(sweeps.id, id)).run();
}

/** The sweeps with a live (not cancelled) cell using `recipeHash`: whose evaluators score the published model. */
export function listSweepsUsingRecipe(db: Db, recipeHash: string): Sweep[] {
  const ids = db
    .selectDistinct({ id: sweepCells.sweepId })
    .from(sweepCells)
    .where(and(eq(sweepCells.recipeHash, recipeHash), notInArray(sweepCells.status, ["cancelled", "infeasible"])))
    .all()
    .map((row) => row.id);
  return ids.length ? db.select().from(sweeps).where(inArray(sweeps.id, ids)).orderBy(asc(sweeps.id)).all() : [];
}

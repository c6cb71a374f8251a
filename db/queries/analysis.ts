import { and, asc, desc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Db } from "../client";
import type { SchemeSpec } from "../../lib/merge/weights/spec";
import { checkpoints, evaluations, metrics, sweepCells, sweeps, trainingLogs } from "../schema";

/**
 * Set-based reads for the analysis (charts, prediction, reports): a few queries per sweep or set of runs,
 * whatever the number of cells — never one query per cell or checkpoint. Scores follow listLatestMetrics' rule:
 * succeeded evaluations only, and for a name scored twice, the evaluation that finished last.
 */
export interface ScoreRow {
  name: string;
  value: number;
  stderr: number | null;
  n: number | null;
  higherIsBetter: boolean | null;
}

export interface CheckpointScoreRow extends ScoreRow {
  checkpointId: number;
}

export interface RecipeScoreRow extends ScoreRow {
  recipeHash: string;
}

const scoreColumns = {
  name: metrics.name,
  value: metrics.value,
  stderr: metrics.stderr,
  n: metrics.n,
  higherIsBetter: metrics.higherIsBetter,
};

/** Rows arrive newest evaluation first: keep the first of each (target, name). */
function keepLatest<T extends ScoreRow>(rows: T[], targetOf: (row: T) => string | number): T[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = `${targetOf(row)}\u0000${row.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface CheckpointPoint {
  id: number;
  runId: number;
  step: number;
  tokens: number | null;
}

/** Every checkpoint of the runs (present or missing on disk: a deleted checkpoint's scores still count), by step. */
export function listRunCheckpointPoints(db: Db, runIds: number[]): CheckpointPoint[] {
  if (runIds.length === 0) return [];
  return db
    .select({ id: checkpoints.id, runId: checkpoints.runId, step: checkpoints.step, tokens: checkpoints.tokens })
    .from(checkpoints)
    .where(inArray(checkpoints.runId, runIds))
    .orderBy(asc(checkpoints.runId), asc(checkpoints.step))
    .all();
}

/** The latest scores of every checkpoint of the runs, in one query. */
export function listRunCheckpointScores(db: Db, runIds: number[]): CheckpointScoreRow[] {
  if (runIds.length === 0) return [];
  const rows = db
    .select({ checkpointId: checkpoints.id, ...scoreColumns })
    .from(metrics)
    .innerJoin(evaluations, eq(metrics.evaluationId, evaluations.id))
    .innerJoin(checkpoints, eq(evaluations.checkpointId, checkpoints.id))
    .where(and(eq(evaluations.status, "succeeded"), inArray(checkpoints.runId, runIds)))
    .orderBy(desc(evaluations.finishedAt), desc(evaluations.id))
    .all();
  return keepLatest(rows, (row) => row.checkpointId);
}

export interface CellPoint {
  id: number;
  sweepId: number;
  /** The sweep's run. */
  runId: number;
  scheme: SchemeSpec;
  n: number;
  interval: number;
  point: number;
  recipeHash: string;
}

/** Where the cells come from: one sweep, or every sweep of some runs. */
export type CellScope = { sweepId: number } | { runIds: number[] };

function cellScope(scope: CellScope) {
  if ("sweepId" in scope) return eq(sweepCells.sweepId, scope.sweepId);
  return inArray(sweeps.runId, scope.runIds);
}

/** The feasible cells in scope (those with a recipe), by sweep and position. */
export function listScopeCells(db: Db, scope: CellScope): CellPoint[] {
  if ("runIds" in scope && scope.runIds.length === 0) return [];
  const rows = db
    .select({ id: sweepCells.id, sweepId: sweepCells.sweepId, runId: sweeps.runId, scheme: sweepCells.scheme, n: sweepCells.n, interval: sweepCells.interval, point: sweepCells.point, recipeHash: sweepCells.recipeHash })
    .from(sweepCells)
    .innerJoin(sweeps, eq(sweeps.id, sweepCells.sweepId))
    .where(and(cellScope(scope), isNotNull(sweepCells.recipeHash)))
    .orderBy(asc(sweepCells.sweepId), asc(sweepCells.position))
    .all();
  return rows.map((row) => ({ ...row, recipeHash: row.recipeHash! }));
}

/**
 * The latest scores of every merged model (recipe) used by a cell in scope, in one query: a join through the
 * cells, not an IN list of hashes, so a sweep of thousands of cells costs the same single statement.
 */
export function listScopeRecipeScores(db: Db, scope: CellScope): RecipeScoreRow[] {
  if ("runIds" in scope && scope.runIds.length === 0) return [];
  const inScope = db
    .selectDistinct({ recipeHash: sweepCells.recipeHash })
    .from(sweepCells)
    .innerJoin(sweeps, eq(sweeps.id, sweepCells.sweepId))
    .where(and(cellScope(scope), isNotNull(sweepCells.recipeHash)))
    .as("in_scope");
  const rows = db
    .select({ recipeHash: evaluations.recipeHash, ...scoreColumns })
    .from(metrics)
    .innerJoin(evaluations, eq(metrics.evaluationId, evaluations.id))
    .innerJoin(inScope, eq(inScope.recipeHash, evaluations.recipeHash))
    .where(eq(evaluations.status, "succeeded"))
    .orderBy(desc(evaluations.finishedAt), desc(evaluations.id))
    .all();
  return keepLatest(
    rows.map((row) => ({ ...row, recipeHash: row.recipeHash! })),
    (row) => row.recipeHash,
  );
}

export interface LogRow {
  runId: number;
  series: string;
  step: number;
  tokens: number | null;
  value: number;
}

/** The named training-log series of several runs in one query, by run, series and step. */
export function listRunLogSeries(db: Db, runIds: number[], series: string[]): LogRow[] {
  if (runIds.length === 0 || series.length === 0) return [];
  return db
    .select({ runId: trainingLogs.runId, series: trainingLogs.series, step: trainingLogs.step, tokens: trainingLogs.tokens, value: trainingLogs.value })
    .from(trainingLogs)
    .where(and(inArray(trainingLogs.runId, runIds), inArray(trainingLogs.series, series)))
    .orderBy(asc(trainingLogs.runId), asc(trainingLogs.series), asc(trainingLogs.step))
    .all();
}

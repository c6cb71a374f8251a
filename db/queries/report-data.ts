import { asc, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { checkpoints, evaluations, recipes, runs, sweepCells, sweeps, type Checkpoint, type EvaluationStatus, type Recipe, type Run, type Sweep, type SweepCell } from "../schema";

/**
 * Bulk loaders for a report's snapshot (lib/report/snapshot.ts runs them inside one read transaction). Each takes
 * the ids it needs and answers in a stable order, so the same data always gives the same report.
 */
const CHUNK = 500;

function chunked<T, R>(values: T[], read: (chunk: T[]) => R[]): R[] {
  const unique = [...new Set(values)];
  const out: R[] = [];
  for (let start = 0; start < unique.length; start += CHUNK) out.push(...read(unique.slice(start, start + CHUNK)));
  return out;
}

export function listRunsByNames(db: Db, names: string[]): Run[] {
  return chunked(names, (chunk) => db.select().from(runs).where(inArray(runs.name, chunk)).all()).sort((a, b) => a.id - b.id);
}

export function listRunsByIds(db: Db, ids: number[]): Run[] {
  return chunked(ids, (chunk) => db.select().from(runs).where(inArray(runs.id, chunk)).all()).sort((a, b) => a.id - b.id);
}

/** Runs forked from any of `parentIds` (annealed branches, restarts), by id. */
export function listChildRuns(db: Db, parentIds: number[]): Run[] {
  return chunked(parentIds, (chunk) => db.select().from(runs).where(inArray(runs.parentRunId, chunk)).all()).sort((a, b) => a.id - b.id);
}

export function listSweepsByIds(db: Db, ids: number[]): Sweep[] {
  return chunked(ids, (chunk) => db.select().from(sweeps).where(inArray(sweeps.id, chunk)).all()).sort((a, b) => a.id - b.id);
}

export function listSweepsOfRuns(db: Db, runIds: number[]): Sweep[] {
  return chunked(runIds, (chunk) => db.select().from(sweeps).where(inArray(sweeps.runId, chunk)).all()).sort((a, b) => a.id - b.id);
}

export function listCellsOfSweeps(db: Db, sweepIds: number[]): SweepCell[] {
  return chunked(sweepIds, (chunk) => db.select().from(sweepCells).where(inArray(sweepCells.sweepId, chunk)).orderBy(asc(sweepCells.position)).all()).sort(
    (a, b) => a.sweepId - b.sweepId || a.position - b.position,
  );
}

/** Every checkpoint of the runs, present or missing, ordered by run then step. */
export function listCheckpointsOfRuns(db: Db, runIds: number[]): Checkpoint[] {
  return chunked(runIds, (chunk) => db.select().from(checkpoints).where(inArray(checkpoints.runId, chunk)).all()).sort((a, b) => a.runId - b.runId || a.step - b.step);
}

export function listRecipesByHashes(db: Db, hashes: string[]): Recipe[] {
  return chunked(hashes, (chunk) => db.select().from(recipes).where(inArray(recipes.hash, chunk)).all()).sort((a, b) => (a.hash < b.hash ? -1 : 1));
}

export interface EvaluationState {
  checkpointId: number | null;
  recipeHash: string | null;
  evaluator: string;
  status: EvaluationStatus;
}

/** The status of every evaluation of the given models: what is scored, still running, or failed. */
export function listEvaluationStates(db: Db, targets: { checkpointIds: number[]; recipeHashes: string[] }): EvaluationState[] {
  const columns = { checkpointId: evaluations.checkpointId, recipeHash: evaluations.recipeHash, evaluator: evaluations.evaluator, status: evaluations.status, id: evaluations.id };
  const rows = [
    ...chunked(targets.checkpointIds, (chunk) => db.select(columns).from(evaluations).where(inArray(evaluations.checkpointId, chunk)).all()),
    ...chunked(targets.recipeHashes, (chunk) => db.select(columns).from(evaluations).where(inArray(evaluations.recipeHash, chunk)).all()),
  ];
  return rows.sort((a, b) => a.id - b.id).map(({ id: _id, ...state }) => state);
}

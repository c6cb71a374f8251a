import { inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { checkpoints, recipes as recipeTable, type CellStatus } from "../schema";
import type { SchemeSpec } from "../../lib/merge/weights/spec";

/**
 * The reads behind a sweep's ablation grid: every cell in a compact shape, the latest score of every metric of
 * the sweep's merged models in one pass, and a cheap version stamp that changes whenever either could have.
 */
export interface GridCellRow {
  id: number;
  position: number;
  scheme: SchemeSpec;
  n: number;
  /** V, tokens. */
  interval: number;
  /** T, tokens. */
  point: number;
  feasible: boolean;
  reason: string | null;
  status: CellStatus;
  recipeHash: string | null;
  jobId: number | null;
}

type RawCell = [number, number, string, number, number, number, number, string | null, CellStatus, string | null, number | null];

/** Raw rows (arrays) straight from SQLite: 10 000 cells are read in a few milliseconds. */
export function listGridCells(db: Db, sweepId: number): GridCellRow[] {
  const rows = db.$client
    .prepare("select id, position, scheme, n, interval, point, feasible, reason, status, recipe_hash, job_id from sweep_cells where sweep_id = ? order by position")
    .raw()
    .all(sweepId) as RawCell[];
  // A sweep has a handful of schemes: parse each distinct JSON once (and share the object) rather than 10 000 times.
  const schemes = new Map<string, SchemeSpec>();
  return rows.map(([id, position, schemeJson, n, interval, point, feasible, reason, status, recipeHash, jobId]) => {
    let scheme = schemes.get(schemeJson);
    if (!scheme) {
      scheme = JSON.parse(schemeJson) as SchemeSpec;
      schemes.set(schemeJson, scheme);
    }
    return { id, position, scheme, n, interval, point, feasible: feasible === 1, reason, status, recipeHash, jobId };
  });
}

export interface RecipeMetricRow {
  recipeHash: string;
  name: string;
  value: number;
  stderr: number | null;
  n: number | null;
  higherIsBetter: boolean | null;
}

/**
 * The latest value of every metric of every merged model the sweep's cells use — the same rule as
 * listLatestMetrics (succeeded evaluations; the one that finished last wins, then the newest row). The recipe set
 * is a subquery, so a 10 000-cell sweep binds one parameter, not 10 000; the latest row is picked here rather than
 * with a window function, which takes SQLite twice as long.
 */
export function listSweepRecipeMetrics(db: Db, sweepId: number): RecipeMetricRow[] {
  const rows = db.$client
    .prepare(
      `select e.recipe_hash, m.name, m.value, m.stderr, m.n, m.higher_is_better, e.finished_at, e.id
       from evaluations e join metrics m on m.evaluation_id = e.id
       where e.status = 'succeeded'
         and e.recipe_hash in (select recipe_hash from sweep_cells where sweep_id = ? and recipe_hash is not null)`,
    )
    .raw()
    .all(sweepId) as [string, string, number, number | null, number | null, number | null, number | null, number][];
  // recipe → name → the latest row so far.
  const latest = new Map<string, Map<string, { row: RecipeMetricRow; finishedAt: number; id: number }>>();
  const result: RecipeMetricRow[] = [];
  for (const [recipeHash, name, value, stderr, n, higher, finished, id] of rows) {
    // NULL finished_at sorts last in `finished_at desc`, as in listLatestMetrics.
    const finishedAt = finished ?? -Infinity;
    let byName = latest.get(recipeHash);
    if (!byName) {
      byName = new Map();
      latest.set(recipeHash, byName);
    }
    const seen = byName.get(name);
    if (seen && (seen.finishedAt > finishedAt || (seen.finishedAt === finishedAt && seen.id > id))) continue;
    byName.set(name, { row: { recipeHash, name, value, stderr, n, higherIsBetter: higher === null ? null : higher === 1 }, finishedAt, id });
  }
  for (const byName of latest.values()) for (const entry of byName.values()) result.push(entry.row);
  return result;
}

/**
 * Changes whenever the grid's numbers could: the sweep row, any cell's status or an appended cell, any
 * succeeded evaluation or metric, any checkpoint or run (the baselines at each T). Each part is an aggregate
 * over an index or a small table: about a millisecond for a 10 000-cell sweep.
 */
export function readGridVersion(db: Db, sweepId: number): string {
  const row = db.get<Record<string, string | number | null>>(sql`
    select
      (select updated_at || ':' || status from sweeps where id = ${sweepId}) as sweep,
      (select count(*) || ':' || group_concat(substr(status, 1, 1), '') from (select status from sweep_cells where sweep_id = ${sweepId} order by position)) as cells,
      (select count(*) || ':' || ifnull(max(id), 0) || ':' || ifnull(max(finished_at), 0) from evaluations where status = 'succeeded') as evaluations,
      (select ifnull(max(id), 0) from metrics) as metrics,
      (select count(*) || ':' || ifnull(max(updated_at), '') || ':' || ifnull(max(id), 0) from checkpoints) as checkpoints,
      (select count(*) || ':' || ifnull(max(id), 0) || ':' || ifnull(sum(ifnull(parent_run_id, 0)), 0) from runs) as runs`);
  return Object.values(row ?? {}).join("|");
}

export interface WindowCheckpoint {
  checkpointId: number;
  step: number;
  tokens: number | null;
  weight: number;
}

/** recipe hash → the checkpoints it merges (oldest first) with their weights, for tooltips naming a cell's window. */
export function listRecipeWindows(db: Db, hashes: string[]): Map<string, WindowCheckpoint[]> {
  const result = new Map<string, WindowCheckpoint[]>();
  if (hashes.length === 0) return result;
  const recipes = db.select({ hash: recipeTable.hash, recipe: recipeTable.recipe }).from(recipeTable).where(inArray(recipeTable.hash, hashes)).all();
  const ids = [...new Set(recipes.flatMap((r) => r.recipe.inputs.map((input) => input.checkpointId)))];
  const found = new Map(
    (ids.length ? db.select({ id: checkpoints.id, step: checkpoints.step, tokens: checkpoints.tokens }).from(checkpoints).where(inArray(checkpoints.id, ids)).all() : []).map((c) => [c.id, c]),
  );
  for (const { hash, recipe } of recipes) {
    result.set(
      hash,
      recipe.inputs.flatMap((input) => {
        const checkpoint = found.get(input.checkpointId);
        return checkpoint ? [{ checkpointId: checkpoint.id, step: checkpoint.step, tokens: checkpoint.tokens, weight: input.weight }] : [];
      }),
    );
  }
  return result;
}

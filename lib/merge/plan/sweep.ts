import { PmaError } from "../../errors";
import type { SchemeSpec } from "../weights";
import { indexCheckpoints } from "./match";
import { buildWeightMatrix, type WeightMatrix } from "./matrix";
import { planIndexedCell } from "./plan-cell";
import { buildRecipe, recipeHash, type MergeRecipe, type RecipeOptions } from "./recipe";
import type { CellPlan, CellSpec, PlanCheckpoint, PlanOptions } from "./types";

export interface SweepGrid {
  /** Merge points T, tokens. */
  points: number[];
  ns: number[];
  /** Intervals V, tokens. */
  intervals: number[];
  schemes: SchemeSpec[];
}

export type SweepOptions = PlanOptions & RecipeOptions;

export interface PlannedCell {
  /** Position in `cells`; stable for a given grid. */
  index: number;
  cell: CellSpec;
  plan: CellPlan;
  /** Present when the plan is feasible. */
  recipe?: MergeRecipe;
  recipeHash?: string;
  /** The earlier cell with the same recipe hash: this cell reuses its merged model and has no matrix row. */
  duplicateOf?: number;
}

export interface SweepPlan {
  cells: PlannedCell[];
  matrix: WeightMatrix;
  distinctRecipes: number;
}

/**
 * Largest grid planned at once. A 5×4×4×5 grid is 400 cells; 10,000 is far beyond any useful sweep while
 * refusing a runaway product of long lists before it allocates.
 */
export const MAX_SWEEP_CELLS = 10_000;

/**
 * Plans every combination of the grid — T, then N, then V, then scheme, each in the order given — and folds the
 * distinct feasible recipes into one weight matrix. Cells whose recipe hash repeats (say SMA and WMA at N = 1)
 * are marked `duplicateOf` and merged once.
 */
export function planSweep(checkpoints: PlanCheckpoint[], grid: SweepGrid, options: SweepOptions = {}): SweepPlan {
  const size = grid.points.length * grid.ns.length * grid.intervals.length * grid.schemes.length;
  if (size > MAX_SWEEP_CELLS) {
    throw new PmaError("plan_sweep_too_large", `the grid has ${size} cells; at most ${MAX_SWEEP_CELLS} are planned at once`);
  }
  const index = indexCheckpoints(checkpoints);
  const firstByHash = new Map<string, number>();
  const cells: PlannedCell[] = listCells(grid).map((cell, cellIndex) => {
    const plan = planIndexedCell(index, cell, options);
    if (!plan.feasible) return { index: cellIndex, cell, plan };
    const recipe = buildRecipe(plan, cell.scheme, options);
    const hash = recipeHash(recipe);
    const duplicateOf = firstByHash.get(hash);
    if (duplicateOf === undefined) firstByHash.set(hash, cellIndex);
    return { index: cellIndex, cell, plan, recipe, recipeHash: hash, ...(duplicateOf === undefined ? {} : { duplicateOf }) };
  });

  const tokensById = new Map(checkpoints.map((checkpoint) => [checkpoint.id, checkpoint.tokens]));
  const sources = cells
    .filter((cell) => cell.recipe && cell.duplicateOf === undefined)
    .map((cell) => ({ cellIndex: cell.index, recipe: cell.recipe! }));
  return { cells, matrix: buildWeightMatrix(sources, tokensById), distinctRecipes: sources.length };
}

function listCells(grid: SweepGrid): CellSpec[] {
  const cells: CellSpec[] = [];
  for (const point of grid.points) {
    for (const n of grid.ns) {
      for (const interval of grid.intervals) {
        for (const scheme of grid.schemes) cells.push({ scheme, n, interval, point });
      }
    }
  }
  return cells;
}

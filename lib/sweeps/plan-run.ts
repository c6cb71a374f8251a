import type { Db } from "../../db/client";
import { findCheckpointsByIds, findRecipe, findRecipesByHashPrefix, findRunByName, listCheckpoints } from "../../db/queries";
import { PmaError } from "../errors";
import { exportMergekitYaml, planSweep, type CellPlan, type SweepGrid, type SweepPlan } from "../merge/plan";
import { formatSchemeLabel, formatSchemeToken } from "../merge/weights";
import { toPlanCheckpoints } from "./create";

/** A checkpoint a planned cell merges: where the window wanted it, how far off it is and with which weight. */
export interface PlannedInputView {
  checkpointId: number;
  step: number;
  tokens: number;
  target: number;
  offBy: number;
  weight: number;
}

/** One planned cell as the CLI and the UI preview show it: parameters, the checkpoints it merges, or why not. */
export interface PlannedCellView {
  scheme: string;
  label: string;
  n: number;
  interval: number;
  point: number;
  feasible: boolean;
  reason: string | null;
  code: string | null;
  recipeHash: string | null;
  duplicateOf: number | null;
  /** Oldest first; empty when the cell is infeasible. */
  inputs: PlannedInputView[];
}

/** The inputs of a cell's plan with each checkpoint's step (from `steps`, by checkpoint id; −1 when unknown). */
export function plannedInputViews(cellPlan: CellPlan, steps: ReadonlyMap<number, number>): PlannedInputView[] {
  if (!cellPlan.feasible) return [];
  return cellPlan.inputs.map((input) => ({
    checkpointId: input.checkpointId,
    step: steps.get(input.checkpointId) ?? -1,
    tokens: input.tokens,
    target: input.target,
    offBy: input.offBy,
    weight: input.weight,
  }));
}

/** Plans a grid over a registered run's present checkpoints (pure planning over rows read once). */
export function planRunGrid(db: Db, runName: string, grid: SweepGrid, tolerance?: number): { run: string; plan: SweepPlan; cells: PlannedCellView[] } {
  const run = findRunByName(db, runName);
  if (!run) throw new PmaError("run_not_found", `Run "${runName}" is not registered`);
  const rows = listCheckpoints(db, run.id);
  const steps = new Map(rows.map((row) => [row.id, row.step]));
  const plan = planSweep(toPlanCheckpoints(rows), grid, tolerance === undefined ? {} : { tolerance });
  const cells = plan.cells.map(({ cell, plan: cellPlan, recipeHash, duplicateOf }): PlannedCellView => ({
    scheme: formatSchemeToken(cell.scheme),
    label: formatSchemeLabel(cell.scheme),
    n: cell.n,
    interval: cell.interval,
    point: cell.point,
    feasible: cellPlan.feasible,
    reason: cellPlan.feasible ? null : cellPlan.reason,
    code: cellPlan.feasible ? null : cellPlan.code,
    recipeHash: recipeHash ?? null,
    duplicateOf: duplicateOf ?? null,
    inputs: plannedInputViews(cellPlan, steps),
  }));
  return { run: run.name, plan, cells };
}

/** A stored recipe (by hash or unique hash prefix) as a mergekit `linear` YAML that reproduces it. */
export function exportStoredRecipe(db: Db, id: string, options: { dtype?: string } = {}): { hash: string; yaml: string } {
  const hash = resolveRecipeHash(db, id);
  const stored = findRecipe(db, hash);
  if (!stored) throw new PmaError("recipe_not_found", `No recipe ${id}`);
  const checkpoints = findCheckpointsByIds(db, stored.recipe.inputs.map((input) => input.checkpointId));
  const paths = new Map(checkpoints.map((checkpoint) => [checkpoint.id, checkpoint.path]));
  const dtype = options.dtype ?? (stored.recipe.outputDtype === "input" ? mainFloatDtype(checkpoints[0]?.dtypes ?? []) : undefined);
  return { hash, yaml: exportMergekitYaml(stored.recipe, paths, dtype === undefined ? {} : { dtype }) };
}

function resolveRecipeHash(db: Db, id: string): string {
  if (!/^[0-9a-f]{6,64}$/.test(id)) throw new PmaError("recipe_not_found", `"${id}" is not a recipe hash (6–64 hex digits)`);
  const matches = findRecipesByHashPrefix(db, id);
  if (matches.length === 0) throw new PmaError("recipe_not_found", `No recipe whose hash starts with ${id}`);
  if (matches.length > 1) throw new PmaError("recipe_ambiguous", `More than one recipe hash starts with ${id}; give more digits`);
  return matches[0].hash;
}

/** The narrowest float dtype a checkpoint stores (its weights; norms are often kept wider). */
export function mainFloatDtype(dtypes: string[]): string | undefined {
  return ["BF16", "F16", "F32"].find((dtype) => dtypes.includes(dtype));
}

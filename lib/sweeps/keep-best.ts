import type { Db } from "../../db/client";
import { PmaError } from "../errors";
import { setCellsKeep } from "./manage";
import type { CellMetric } from "./metrics";
import { describeSweep } from "./show";

export interface RankableCell {
  id: number;
  recipeHash: string | null;
  metrics: CellMetric[];
}

/**
 * The cells whose merged models are among the best `k` by `metric`, honouring its direction. Cells sharing a
 * recipe share a model, so they rank once and are kept together. Pure: the caller decides what to do.
 */
export function pickBestCells(cells: RankableCell[], metric: string, k: number): { keep: number[]; release: number[]; unscored: number } {
  if (!Number.isSafeInteger(k) || k < 0) throw new PmaError("invalid_arguments", `--best: expected a whole number ≥ 0, got ${k}`);
  const scored = new Map<string, { value: number; higherIsBetter: boolean }>();
  for (const cell of cells) {
    const found = cell.metrics.find((entry) => entry.name === metric);
    if (!cell.recipeHash || !found) continue;
    if (found.higherIsBetter === null) {
      throw new PmaError("metric_direction_unknown", `"${metric}" has no known direction (higher or lower is better); declare it in the evaluators file`);
    }
    scored.set(cell.recipeHash, { value: found.value, higherIsBetter: found.higherIsBetter });
  }
  if (scored.size === 0) throw new PmaError("metric_not_found", `no cell of this sweep has a score for "${metric}" yet`);
  const ranked = [...scored.entries()].sort(([, a], [, b]) => (a.higherIsBetter ? b.value - a.value : a.value - b.value));
  const best = new Set(ranked.slice(0, k).map(([hash]) => hash));
  const keep = cells.filter((cell) => cell.recipeHash !== null && best.has(cell.recipeHash)).map((cell) => cell.id);
  const release = cells.filter((cell) => !keep.includes(cell.id)).map((cell) => cell.id);
  const unscored = cells.filter((cell) => cell.recipeHash !== null && !scored.has(cell.recipeHash)).length;
  return { keep, release, unscored };
}

/** Applies "keep the best k": the best cells' models are kept, every other cell's becomes collectable by gc. */
export function keepBestCells(db: Db, sweepId: number, dataDir: string, metric: string, k: number) {
  const sweep = describeSweep(db, sweepId, dataDir);
  const picked = pickBestCells(sweep.cells, metric, k);
  setCellsKeep(db, sweepId, picked.keep, true);
  setCellsKeep(db, sweepId, picked.release, false);
  return { metric, best: k, kept: picked.keep, released: picked.release.length, unscored: picked.unscored };
}

import type { Db } from "../../db/client";
import { listLatestMetrics, type TargetMetric } from "../../db/queries";
import { computeComposite, type CompositeDefinition } from "../eval/composite";
import { findPointBaselines } from "./evaluations";

/**
 * The numbers of a sweep's ablation table: each merged model's latest metrics (and composites), and per metric the
 * delta against the un-merged baselines at the same T — the run's latest checkpoint with at most T tokens, and the
 * first annealed branch with a checkpoint at exactly T. delta = merged − baseline; `better` reads the metric's
 * direction (null where nobody states it).
 */
export interface MetricValue {
  name: string;
  value: number;
  stderr: number | null;
  n: number | null;
  higherIsBetter: boolean | null;
  composite: boolean;
}

export interface CellMetric extends MetricValue {
  deltaVsCheckpoint: number | null;
  deltaVsAnnealed: number | null;
}

export interface BaselineView {
  point: number;
  checkpoint: { id: number; step: number; tokens: number | null; metrics: MetricValue[] } | null;
  annealed: { run: string; checkpointId: number; step: number; metrics: MetricValue[] }[];
}

/** Which way a delta points: true = an improvement, whatever the metric's direction. */
export function isImprovement(delta: number, higherIsBetter: boolean | null): boolean | null {
  if (higherIsBetter === null || delta === 0) return null;
  return higherIsBetter ? delta > 0 : delta < 0;
}

function withComposites(rows: TargetMetric[], composites: CompositeDefinition[]): MetricValue[] {
  const plain: MetricValue[] = rows.map((r) => ({ name: r.name, value: r.value, stderr: r.stderr, n: r.n, higherIsBetter: r.higherIsBetter, composite: false }));
  const byName = new Map(rows.map((r) => [r.name, r]));
  const extra: MetricValue[] = [];
  for (const definition of composites) {
    let result;
    try {
      result = computeComposite(definition, byName);
    } catch {
      continue; // a direction conflict: the composite cannot be computed for this model
    }
    if (result.value !== null) extra.push({ name: result.name, value: result.value, stderr: result.stderr, n: null, higherIsBetter: true, composite: true });
  }
  return [...plain.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), ...extra];
}

export function describeSweepMetrics(
  db: Db,
  sweep: { runId: number; points: number[] },
  cells: { id: number; point: number; recipeHash: string | null }[],
  composites: CompositeDefinition[],
): { byCell: Map<number, CellMetric[]>; baselines: BaselineView[] } {
  const baselines = findPointBaselines(db, sweep.runId, [...new Set([...sweep.points, ...cells.map((c) => c.point)])].sort((a, b) => a - b));
  const checkpointIds = baselines.flatMap((b) => [...(b.checkpoint ? [b.checkpoint.id] : []), ...b.annealed.map((a) => a.checkpoint.id)]);
  const recipeHashes = [...new Set(cells.flatMap((c) => (c.recipeHash ? [c.recipeHash] : [])))];
  const rows = listLatestMetrics(db, { checkpointIds, recipeHashes });
  const group = (match: (r: TargetMetric) => boolean) => withComposites(rows.filter(match), composites);
  const views: BaselineView[] = baselines.map((b) => ({
    point: b.point,
    checkpoint: b.checkpoint ? { id: b.checkpoint.id, step: b.checkpoint.step, tokens: b.checkpoint.tokens, metrics: group((r) => r.checkpointId === b.checkpoint!.id) } : null,
    annealed: b.annealed.map((a) => ({ run: a.run, checkpointId: a.checkpoint.id, step: a.checkpoint.step, metrics: group((r) => r.checkpointId === a.checkpoint.id) })),
  }));
  const byPoint = new Map(views.map((v) => [v.point, v]));
  const byHash = new Map(recipeHashes.map((hash) => [hash, group((r) => r.recipeHash === hash)]));
  const byCell = new Map<number, CellMetric[]>();
  for (const cell of cells) {
    const baseline = byPoint.get(cell.point);
    const own = new Map((baseline?.checkpoint?.metrics ?? []).map((m) => [m.name, m.value]));
    const annealed = new Map((baseline?.annealed[0]?.metrics ?? []).map((m) => [m.name, m.value]));
    const delta = (from: Map<string, number>, m: MetricValue) => (from.has(m.name) ? m.value - from.get(m.name)! : null);
    const metrics = (cell.recipeHash ? byHash.get(cell.recipeHash) : undefined) ?? [];
    byCell.set(cell.id, metrics.map((m) => ({ ...m, deltaVsCheckpoint: delta(own, m), deltaVsAnnealed: delta(annealed, m) })));
  }
  return { byCell, baselines: views };
}

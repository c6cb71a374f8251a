import type { HeatmapCell, HeatmapCheckpoint, HeatmapInput } from "../../charts/heatmap";
import type { GridData } from "./data";
import type { GridState } from "./state";

/**
 * The heatmap's choice (T, scheme, metric, mode) resolved against a grid — a missing or unknown pick falls back
 * to the largest T, the first scheme and the first metric — and its cells, N × V, read from the grid's columns.
 */
export interface HeatmapChoice {
  point: number;
  scheme: string;
  metric: string;
  mode: GridState["heatmap"]["mode"];
}

export function resolveHeatmapChoice(data: GridData, wanted: GridState["heatmap"]): HeatmapChoice | null {
  if (data.cells.length === 0 || data.metrics.length === 0) return null;
  const point = wanted.t !== null && data.values.t.includes(wanted.t) ? wanted.t : data.values.t[data.values.t.length - 1];
  const scheme = wanted.scheme !== null && data.values.scheme.includes(wanted.scheme) ? wanted.scheme : data.values.scheme[0];
  const metric = data.metrics.find((m) => m.name === wanted.metric)?.name ?? data.metrics[0].name;
  return { point, scheme, metric, mode: wanted.mode };
}

/** The heatmap's input, with each cell's merged checkpoints from `windows` (recipe hash → checkpoints). */
export function selectHeatmap(data: GridData, choice: HeatmapChoice, windows: Map<string, HeatmapCheckpoint[]>): HeatmapInput {
  const column = data.columns.get(choice.metric);
  const cells: HeatmapCell[] = [];
  data.cells.forEach((cell, index) => {
    if (cell.point !== choice.point || cell.scheme !== choice.scheme) return;
    const value = column?.value[index] ?? NaN;
    const orNull = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);
    cells.push({
      n: cell.n,
      interval: cell.interval,
      status: cell.status,
      reason: cell.reason,
      metric: Number.isNaN(value)
        ? null
        : { value, stderr: orNull(column!.stderr[index]), deltaVsCheckpoint: orNull(column!.deltaVsCheckpoint[index]), deltaVsAnnealed: orNull(column!.deltaVsAnnealed[index]) },
      checkpoints: cell.recipeHash ? (windows.get(cell.recipeHash) ?? []) : [],
    });
  });
  return {
    metric: choice.metric,
    higherIsBetter: data.metrics.find((m) => m.name === choice.metric)?.higherIsBetter ?? null,
    mode: choice.mode,
    scheme: choice.scheme,
    point: choice.point,
    ns: [...new Set(cells.map((c) => c.n))].sort((a, b) => a - b),
    intervals: [...new Set(cells.map((c) => c.interval))].sort((a, b) => a - b),
    cells,
  };
}

/** The recipe hashes whose checkpoints the heatmap's tooltips name. */
export function heatmapRecipes(data: GridData, choice: HeatmapChoice): string[] {
  return [...new Set(data.cells.flatMap((c) => (c.point === choice.point && c.scheme === choice.scheme && c.recipeHash ? [c.recipeHash] : [])))];
}

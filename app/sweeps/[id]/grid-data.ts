import { findJobsByIds, listRecipeWindows } from "../../../db/queries";
import type { CellStatus } from "../../../db/schema";
import { getDb } from "../../../db";
import type { HeatmapInput } from "../../../lib/charts/heatmap";
import { getConfig } from "../../../lib/env";
import {
  heatmapRecipes,
  loadGridData,
  queryGrid,
  readGridState,
  resolveHeatmapChoice,
  selectHeatmap,
  type GridData,
  type GridMetric,
  type GridResult,
  type GridState,
  type HeatmapChoice,
} from "../../../lib/sweeps/grid";
import { progressFraction } from "../../jobs/format";

/** Everything the sweep page renders, read once per request from the (cached) grid of the sweep. */
export interface SweepPageData {
  id: number;
  run: string;
  status: GridData["status"];
  evaluators: string[];
  counts: Record<CellStatus, number>;
  cells: number;
  state: GridState;
  metrics: GridMetric[];
  values: GridData["values"];
  baselines: GridData["baselines"];
  table: GridResult | null;
  /** Progress of the running cells on this page, by cell id. */
  progress: Record<number, number | null>;
  heatmap: { choice: HeatmapChoice; input: HeatmapInput } | null;
}

function countStatuses(data: GridData): Record<CellStatus, number> {
  const counts: Record<CellStatus, number> = { infeasible: 0, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const cell of data.cells) counts[cell.status] += 1;
  return counts;
}

function runningProgress(result: GridResult): Record<number, number | null> {
  const rows = [...result.rows, ...(result.groups ?? []).flatMap((g) => g.rows ?? [])].filter((row) => row.status === "running" && row.jobId !== null);
  if (rows.length === 0) return {};
  const jobs = new Map(findJobsByIds(getDb(), [...new Set(rows.map((row) => row.jobId!))]).map((job) => [job.id, job]));
  return Object.fromEntries(rows.map((row) => [row.id, progressFraction(jobs.get(row.jobId!)?.progress ?? null)]));
}

export function loadSweepPage(sweepId: number, params: URLSearchParams): SweepPageData {
  const db = getDb();
  const data = loadGridData(db, sweepId, getConfig().dataDir);
  const state = readGridState(params);
  const table = state.view === "table" ? queryGrid(data, state) : null;
  const choice = state.view === "heatmap" ? resolveHeatmapChoice(data, state.heatmap) : null;
  const heatmap = choice ? { choice, input: selectHeatmap(data, choice, listRecipeWindows(db, heatmapRecipes(data, choice))) } : null;
  return {
    id: data.sweepId,
    run: data.run,
    status: data.status,
    evaluators: data.evaluators,
    counts: countStatuses(data),
    cells: data.cells.length,
    state,
    metrics: data.metrics,
    values: data.values,
    baselines: data.baselines,
    table,
    progress: table ? runningProgress(table) : {},
    heatmap,
  };
}

import path from "node:path";
import type { Db } from "../../db/client";
import { findJobsByIds, findPublishedArtifactsByRecipes, findRunById, findSweepById, listCells, listSweeps, type SweepSummary } from "../../db/queries";
import type { CellStatus, JobProgress, StoredSweepGrid, SweepStatus } from "../../db/schema";
import { dataLayout } from "../disk";
import { PmaError } from "../errors";
import type { CompositeDefinition } from "../eval/composite";
import { loadEvaluators } from "../eval/registry";
import { formatSchemeToken } from "../merge/weights";
import { describeSweepMetrics, type BaselineView, type CellMetric } from "./metrics";

export interface CellView {
  id: number;
  position: number;
  /** CLI token: "sma", "ema:0.1", "ema:0.2:closed", … */
  scheme: string;
  alpha: number | null;
  n: number;
  /** V, tokens. */
  interval: number;
  /** T, tokens. */
  point: number;
  feasible: boolean;
  reason: string | null;
  reasonCode: string | null;
  notes: string[];
  recipeHash: string | null;
  keep: boolean;
  status: CellStatus;
  jobId: number | null;
  progress: JobProgress | null;
  output: { artifactId: number; path: string; bytes: number; sha256: string } | null;
  /** Latest value of each metric of the merged model (composites last), with deltas against the baselines at T. */
  metrics: CellMetric[];
}

export interface SweepDetails {
  id: number;
  run: string;
  status: SweepStatus;
  grid: StoredSweepGrid;
  evaluators: string[];
  createdAt: string;
  counts: Record<CellStatus, number>;
  cells: CellView[];
  /** Per merge point: the run's latest checkpoint at T and annealed branches at T, with their metrics. */
  baselines: BaselineView[];
}

export function describeSweep(db: Db, sweepId: number, dataDir: string): SweepDetails {
  const sweep = findSweepById(db, sweepId);
  if (!sweep) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const cells = listCells(db, sweepId);
  const artifacts = findPublishedArtifactsByRecipes(db, cells.flatMap((cell) => (cell.recipeHash ? [cell.recipeHash] : [])));
  const jobs = new Map(findJobsByIds(db, [...new Set(cells.flatMap((cell) => (cell.jobId ? [cell.jobId] : [])))]).map((job) => [job.id, job]));
  const counts: Record<CellStatus, number> = { infeasible: 0, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
  for (const cell of cells) counts[cell.status] += 1;
  const root = dataLayout(dataDir).artifacts;
  const { byCell, baselines } = describeSweepMetrics(db, { runId: sweep.runId, points: sweep.grid.points }, cells, readComposites(dataDir));
  return {
    id: sweep.id,
    run: findRunById(db, sweep.runId)?.name ?? `#${sweep.runId}`,
    status: sweep.status,
    grid: sweep.grid,
    evaluators: sweep.evaluators,
    createdAt: sweep.createdAt,
    counts,
    cells: cells.map((cell) => {
      const artifact = cell.recipeHash ? artifacts.get(cell.recipeHash) : undefined;
      const job = cell.jobId ? jobs.get(cell.jobId) : undefined;
      return {
        id: cell.id,
        position: cell.position,
        scheme: formatSchemeToken(cell.scheme),
        alpha: cell.alpha,
        n: cell.n,
        interval: cell.interval,
        point: cell.point,
        feasible: cell.feasible,
        reason: cell.reason,
        reasonCode: cell.reasonCode,
        notes: cell.notes ?? [],
        recipeHash: cell.recipeHash,
        keep: cell.keep,
        status: cell.status,
        jobId: cell.jobId,
        progress: job?.status === "running" ? (job.progress ?? null) : null,
        output: artifact ? { artifactId: artifact.id, path: path.join(root, artifact.name), bytes: artifact.bytes, sha256: artifact.sha256 } : null,
        metrics: byCell.get(cell.id) ?? [],
      };
    }),
    baselines,
  };
}

/** Composites come with the server's evaluators config; a config that does not load shows none (not a broken page). */
export function readComposites(dataDir: string): CompositeDefinition[] {
  try {
    return loadEvaluators(dataDir).composites;
  } catch {
    return [];
  }
}

export function listSweepSummaries(db: Db, options: { run?: number; limit?: number } = {}): SweepSummary[] {
  return listSweeps(db, { runId: options.run, limit: options.limit });
}

import { readTransaction, type Db } from "../../db/client";
import {
  listCellsOfSweeps,
  listCheckpointsOfRuns,
  listChildRuns,
  listEvaluationStates,
  listLatestMetrics,
  listLogSeries,
  listRecipesByHashes,
  listRunsByIds,
  listRunsByNames,
  listSweepsByIds,
  listSweepsOfRuns,
  type EvaluationState,
  type TargetMetric,
} from "../../db/queries";
import type { Checkpoint, Recipe, ReportScope, Run, Sweep, SweepCell } from "../../db/schema";
import type { RunScores } from "../analysis";
import { loadSweepScores, RESTART_KINDS } from "../analysis-data";
import type { CompositeDefinition } from "../eval/composite";
import { PmaError } from "../errors";

/**
 * Everything a report is computed from, read in ONE read transaction so its numbers agree with each other even
 * while workers keep writing: the sweeps in scope with their cells, every run involved (the sweeps' runs, the runs
 * named, their branches and restarts), their checkpoints, the recipes, the latest metrics and evaluation states of
 * every model, and the training logs of runs that were restarted.
 */
export interface ReportSnapshot {
  scope: ReportScope;
  /** Each sweep with every cell (infeasible and failed ones too) and the analysis' view of its scores. */
  sweeps: { sweep: Sweep; cells: SweepCell[]; scores: RunScores }[];
  runs: Run[];
  checkpoints: Checkpoint[];
  recipes: Recipe[];
  metrics: TargetMetric[];
  evaluations: EvaluationState[];
  /** run id → series → points by step; for restarted runs and their restarts only (the spike figure). */
  logs: Record<number, Record<string, { step: number; tokens: number | null; value: number }[]>>;
  composites: CompositeDefinition[];
}

export interface ScopeRequest {
  sweepIds?: number[];
  runNames?: string[];
}

/** A run restarted from another (the analysis' rule): forked, of kind pma-init or rollback. */
export function isRestartRun(run: Run): boolean {
  return run.parentRunId !== null && (RESTART_KINDS as readonly string[]).includes(run.kind ?? "");
}

export function loadReportSnapshot(db: Db, request: ScopeRequest, composites: CompositeDefinition[] = []): ReportSnapshot {
  const sweepIds = [...new Set(request.sweepIds ?? [])].sort((a, b) => a - b);
  const runNames = [...new Set(request.runNames ?? [])].sort();
  if (sweepIds.length === 0 && runNames.length === 0) throw new PmaError("report_scope_empty", "a report needs at least one sweep or run");
  return readTransaction(db, (tx) => {
    const named = listRunsByNames(tx, runNames);
    const unknown = runNames.filter((name) => !named.some((run) => run.name === name));
    if (unknown.length > 0) throw new PmaError("run_not_found", `no run named ${unknown.map((n) => JSON.stringify(n)).join(", ")}`);
    const explicit = listSweepsByIds(tx, sweepIds);
    const missing = sweepIds.filter((id) => !explicit.some((sweep) => sweep.id === id));
    if (missing.length > 0) throw new PmaError("sweep_not_found", `no sweep #${missing.join(", #")}`);
    const sweepRows = uniqueById([...explicit, ...listSweepsOfRuns(tx, named.map((run) => run.id))]);
    const cells = listCellsOfSweeps(tx, sweepRows.map((sweep) => sweep.id));

    // The runs: named and swept ones, then their children (branches, restarts) — one level is what comparisons use.
    const primary = uniqueById([...named, ...listRunsByIds(tx, sweepRows.map((sweep) => sweep.runId))]);
    const children = listChildRuns(tx, primary.map((run) => run.id));
    const runs = uniqueById([...primary, ...children]);
    const checkpoints = listCheckpointsOfRuns(tx, runs.map((run) => run.id));

    const cellHashes = cells.flatMap((cell) => (cell.recipeHash ? [cell.recipeHash] : []));
    const initHashes = runs.flatMap((run) => (run.initRecipeHash ? [run.initRecipeHash] : []));
    const recipes = listRecipesByHashes(tx, [...cellHashes, ...initHashes]);
    const targets = { checkpointIds: checkpoints.map((c) => c.id), recipeHashes: [...new Set(cellHashes)] };
    const metrics = listLatestMetrics(tx, targets).sort(compareMetrics);
    const evaluations = listEvaluationStates(tx, targets);

    const restarted = new Set(children.filter(isRestartRun).flatMap((run) => [run.id, run.parentRunId!]));
    const logs: ReportSnapshot["logs"] = {};
    for (const id of [...restarted].sort((a, b) => a - b)) logs[id] = listLogSeries(tx, id);

    return {
      scope: { sweepIds: sweepRows.map((sweep) => sweep.id), runNames: named.map((run) => run.name).sort() },
      sweeps: sweepRows.map((sweep) => ({ sweep, cells: cells.filter((cell) => cell.sweepId === sweep.id), scores: loadSweepScores(tx, sweep.id, composites).data })),
      runs,
      checkpoints,
      recipes,
      metrics,
      evaluations,
      logs,
      composites,
    };
  });
}

function uniqueById<T extends { id: number }>(rows: T[]): T[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()].sort((a, b) => a.id - b.id);
}

function compareMetrics(a: TargetMetric, b: TargetMetric): number {
  const key = (m: TargetMetric) => `${m.checkpointId ?? ""}|${m.recipeHash ?? ""}|${m.name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

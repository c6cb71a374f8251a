import fs from "node:fs";
import { writeTransaction, type Db } from "../../db/client";
import { CELL_FROM_JOB, findJobsByIds, findRunById, findRunByName, findSweepById, insertCells, insertSweep, listCells, listCheckpoints, refreshSweepStatus, updateSweepEvaluators, updateSweepGrid } from "../../db/queries";
import type { Checkpoint, NewSweepCell, Run, StoredSweepGrid, Sweep } from "../../db/schema";
import { dataLayout } from "../disk";
import { PmaError } from "../errors";
import { planSweep, type MergeRecipe, type PlanCheckpoint } from "../merge/plan";
import { formatSchemeToken, type SchemeSpec } from "../merge/weights";
import { loadEvaluators, type EvaluatorRegistry } from "../eval/registry";
import { checkEvaluatorNames, enqueueSweepEvaluations } from "./evaluations";
import { enqueueRecipes, type EnqueueDeps, type SweepEstimate } from "./enqueue";
import { sweepRequestSchema, type SweepRequest } from "./request";
import { describeSweep, type SweepDetails } from "./show";
import { loadSlurmConfig } from "../slurm/config";
import { toStoredSettings } from "../slurm/settings";
import { targetSweepIn } from "../slurm/target";

export type CreatedSweep = SweepDetails & { estimate: SweepEstimate };

/**
 * Plans the grid over the run's checkpoints, then — in ONE write transaction, all or nothing — checks the disk,
 * stores the sweep, its recipes and cells, and enqueues fused passes for the recipes that still need computing.
 * A recipe already published is reused; one already queued or running (any sweep) is waited on, not redone.
 */
export function createSweep(db: Db, request: SweepRequest, deps: EnqueueDeps): CreatedSweep {
  fs.mkdirSync(dataLayout(deps.dataDir).artifacts, { recursive: true });
  return writeTransaction(db, (tx) => createSweepIn(tx, request, deps));
}

/** The body of createSweep, inside the caller's write transaction (the preview runs it and rolls back). */
export function createSweepIn(tx: Db, request: SweepRequest, deps: EnqueueDeps): CreatedSweep {
  const parsed = parseRequest(request);
  const registry = sweepRegistry(parsed.evaluators, deps);
  const run = findRunByName(tx, parsed.run);
  if (!run) throw new PmaError("run_not_found", `no run named "${parsed.run}"`);
  const sweep = insertSweep(tx, { runId: run.id, grid: toGrid(parsed), evaluators: [...new Set(parsed.evaluators)] });
  // Targeted before anything is enqueued: every job enqueued for the sweep follows it to Slurm.
  if (parsed.slurm) targetSweepIn(tx, sweep.id, slurmSettingsFor(parsed.slurm, deps.dataDir));
  const estimate = addCells(tx, sweep, run, toGrid(parsed), parsed, deps);
  if (registry) enqueueSweepEvaluations(tx, sweep.id, deps.dataDir, registry);
  return { ...describeSweep(tx, sweep.id, deps.dataDir), estimate };
}

/** Adds the grid's cells that the sweep lacks (same scheme, N, V, T), planned and enqueued the same way. */
export function appendSweepCells(db: Db, sweepId: number, request: Omit<SweepRequest, "run">, deps: EnqueueDeps): CreatedSweep {
  return writeTransaction(db, (tx) => appendSweepCellsIn(tx, sweepId, request, deps));
}

/** The body of appendSweepCells, inside the caller's write transaction (the append preview rolls it back). */
export function appendSweepCellsIn(tx: Db, sweepId: number, request: Omit<SweepRequest, "run">, deps: EnqueueDeps): CreatedSweep {
  const sweep = findSweepById(tx, sweepId);
  if (!sweep) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const run = findRunById(tx, sweep.runId);
  if (!run) throw new PmaError("run_not_found", `the sweep's run #${sweep.runId} no longer exists`);
  const parsed = parseRequest({ ...request, run: run.name, tolerance: request.tolerance ?? sweep.grid.tolerance });
  const evaluators = [...new Set([...sweep.evaluators, ...parsed.evaluators])];
  const registry = sweepRegistry(evaluators, deps);
  const estimate = addCells(tx, sweep, run, toGrid(parsed), parsed, deps);
  updateSweepGrid(tx, sweep.id, mergeGrids(sweep.grid, toGrid(parsed)));
  if (evaluators.length !== sweep.evaluators.length) updateSweepEvaluators(tx, sweep.id, evaluators);
  if (registry) enqueueSweepEvaluations(tx, sweep.id, deps.dataDir, registry);
  return { ...describeSweep(tx, sweep.id, deps.dataDir), estimate };
}

/** The server's evaluators config, checked against the names asked for (null when none is). */
function sweepRegistry(names: string[], deps: EnqueueDeps): EvaluatorRegistry | null {
  if (names.length === 0) return null;
  const registry = deps.registry ?? loadEvaluators(deps.dataDir);
  checkEvaluatorNames(registry, names);
  return registry;
}

/** A sweep goes to Slurm only where Slurm is configured: refuse before storing anything otherwise. */
function slurmSettingsFor(settings: NonNullable<ReturnType<typeof parseRequest>["slurm"]>, dataDir: string) {
  loadSlurmConfig(dataDir);
  return toStoredSettings(settings);
}

function parseRequest(request: SweepRequest) {
  const parsed = sweepRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("sweep_request_invalid", `${issue.path.join(".") || "request"}: ${issue.message}`);
  }
  return parsed.data;
}

function toGrid(parsed: ReturnType<typeof parseRequest>): StoredSweepGrid {
  return { points: parsed.points, ns: parsed.ns, intervals: parsed.intervals, schemes: parsed.schemes, ...(parsed.tolerance === undefined ? {} : { tolerance: parsed.tolerance }) };
}

function mergeGrids(a: StoredSweepGrid, b: StoredSweepGrid): StoredSweepGrid {
  const union = <T>(x: T[], y: T[]): T[] => {
    const seen = new Set(x.map((item) => JSON.stringify(item)));
    return [...x, ...y.filter((item) => !seen.has(JSON.stringify(item)))];
  };
  return { ...a, points: union(a.points, b.points), ns: union(a.ns, b.ns), intervals: union(a.intervals, b.intervals), schemes: union(a.schemes, b.schemes) };
}

export function toPlanCheckpoints(checkpoints: Checkpoint[]): PlanCheckpoint[] {
  return checkpoints
    .filter((checkpoint) => checkpoint.tokens !== null)
    .map((checkpoint) => ({
      id: checkpoint.id,
      step: checkpoint.step,
      tokens: checkpoint.tokens!,
      identity: checkpoint.sha256 ?? checkpoint.fingerprint,
      dtypes: checkpoint.dtypes,
      status: checkpoint.status,
    }));
}

function addCells(tx: Db, sweep: Sweep, run: Run, grid: StoredSweepGrid, options: { keep: boolean; chunkSize?: number }, deps: EnqueueDeps): SweepEstimate {
  const plan = planSweep(toPlanCheckpoints(listCheckpoints(tx, run.id, { includeMissing: true })), grid, grid.tolerance === undefined ? {} : { tolerance: grid.tolerance });
  const existing = listCells(tx, sweep.id);
  const have = new Set(existing.map((cell) => cellKey(cell.scheme, cell.n, cell.interval, cell.point)));
  const fresh = plan.cells.filter((cell) => !have.has(cellKey(cell.cell.scheme, cell.cell.n, cell.cell.interval, cell.cell.point)));
  const recipes = new Map<string, MergeRecipe>();
  for (const cell of fresh) if (cell.recipeHash && !recipes.has(cell.recipeHash)) recipes.set(cell.recipeHash, cell.recipe!);
  const { jobByRecipe, published, estimate } = enqueueRecipes(tx, recipes, { runId: run.id, sweepId: sweep.id, chunkSize: options.chunkSize }, deps);
  const jobStatus = new Map(findJobsByIds(tx, [...new Set(jobByRecipe.values())]).map((job) => [job.id, job.status]));
  const start = existing.reduce((max, cell) => Math.max(max, cell.position + 1), 0);
  const rows: NewSweepCell[] = fresh.map((cell, offset) => {
    const base = {
      sweepId: sweep.id,
      position: start + offset,
      scheme: cell.cell.scheme,
      alpha: cell.cell.scheme.scheme === "ema" ? cell.cell.scheme.alpha : null,
      n: cell.cell.n,
      interval: cell.cell.interval,
      point: cell.cell.point,
      keep: options.keep,
    };
    if (!cell.plan.feasible) return { ...base, feasible: false, reason: cell.plan.reason, reasonCode: cell.plan.code, status: "infeasible" as const };
    const hash = cell.recipeHash!;
    if (published.has(hash)) return { ...base, feasible: true, notes: cell.plan.notes, recipeHash: hash, jobId: null, status: "done" as const };
    const jobId = jobByRecipe.get(hash)!;
    return { ...base, feasible: true, notes: cell.plan.notes, recipeHash: hash, jobId, status: CELL_FROM_JOB[jobStatus.get(jobId) ?? "queued"] };
  });
  insertCells(tx, rows);
  refreshSweepStatus(tx, [sweep.id]);
  return estimate;
}

function cellKey(scheme: SchemeSpec, n: number, interval: number, point: number): string {
  return `${formatSchemeToken(scheme)}|${n}|${interval}|${point}`;
}

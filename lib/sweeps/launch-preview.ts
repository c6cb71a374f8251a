import type { Db } from "../../db/client";
import { findSweepById, findRunById, listCheckpoints } from "../../db/queries";
import type { CellStatus } from "../../db/schema";
import { PmaError } from "../errors";
import { planSweep } from "../merge/plan";
import { formatSchemeLabel, formatSchemeToken } from "../merge/weights";
import { appendSweepCells, createSweep, toPlanCheckpoints, type CreatedSweep } from "./create";
import type { EnqueueDeps } from "./enqueue";
import { findPointFacts } from "./launch-facts";
import { buildSweepRequest, type LaunchForm } from "./launch-request";
import { plannedInputViews, type PlannedCellView } from "./plan-run";
import { describeIntervalFit, checkpointSpacing } from "./points";
import { previewAppend, previewSweep, type SweepPreview } from "./preview";
import type { ParsedSweepRequest } from "./request";
import { estimateSeconds, measureMergeThroughput, type MergeThroughput } from "./throughput";

/** One cell of the launcher's preview: its coordinates, what it merges (or why not) and what launching does. */
export interface PreviewCell extends Omit<PlannedCellView, "duplicateOf"> {
  notes: string[];
  /** "queued": a new merge; "done": already published (reused); "running": in flight for another sweep. */
  status: CellStatus;
}

export interface LaunchPreview {
  run: string;
  /** Merge points the selection resolved to, tokens. */
  points: number[];
  cells: PreviewCell[];
  counts: { cells: number; feasible: number; infeasible: number; newMerges: number; reused: number; inFlight: number };
  cost: {
    /** Distinct checkpoints the new merges read, and their bytes (each read once if in one pass). */
    distinctCheckpoints: number;
    distinctBytesToRead: number;
    /** Bytes the fused passes read: a checkpoint two passes share is read by both. */
    bytesToRead: number;
    bytesToWrite: number;
    passes: number;
    space: SweepPreview["space"];
    disk: SweepPreview["disk"];
    /** bytesToRead at the measured throughput; null when no merge has finished here yet. */
    seconds: number | null;
    throughput: MergeThroughput | null;
  };
  /** Warnings that do not stop a launch: a V off the checkpoint spacing. */
  warnings: string[];
  spacing: number | null;
}

/** Resolves the form against the run and plans it: the request a launch would submit. */
export function requestFromForm(db: Db, form: LaunchForm): ParsedSweepRequest {
  return buildSweepRequest(form, findPointFacts(db, form.run));
}

/**
 * The launcher's live preview: `previewSweep` (or `previewAppend` for a sweep) for statuses and costs — exactly what
 * a launch would store — plus every cell's checkpoints and weights from `planSweep` over the same rows, which is
 * what each recipe was built from. Stores nothing.
 */
export function previewLaunch(db: Db, form: LaunchForm, deps: EnqueueDeps, options: { sweepId?: number } = {}): LaunchPreview {
  const sweep = options.sweepId === undefined ? null : findSweep(db, options.sweepId);
  const run = sweep ? sweep.run : form.run;
  const facts = findPointFacts(db, run);
  const request = buildSweepRequest({ ...form, run }, facts);
  const preview = sweep ? previewAppend(db, sweep.id, request, deps) : previewSweep(db, request, deps);
  // The same rows and tolerance the stored recipes are planned with (an appended grid keeps the sweep's).
  const tolerance = request.tolerance ?? sweep?.tolerance;
  const rows = listCheckpoints(db, facts.runId, { includeMissing: true });
  const plan = planSweep(toPlanCheckpoints(rows), request, tolerance === undefined ? {} : { tolerance });
  const steps = new Map(rows.map((row) => [row.id, row.step]));
  const planned = new Map(plan.cells.map((cell) => [cellKey(formatSchemeToken(cell.cell.scheme), cell.cell.n, cell.cell.interval, cell.cell.point), cell]));
  const newJobs = new Set(preview.estimate.jobs);
  const bytesById = new Map(rows.map((row) => [row.id, row.bytes]));
  const distinct = new Set<number>();
  let inFlight = 0;

  const cells = preview.cells.map((cell): PreviewCell => {
    const match = planned.get(cellKey(cell.scheme, cell.n, cell.interval, cell.point));
    const inputs = match ? plannedInputViews(match.plan, steps) : [];
    if (cell.jobId !== null && newJobs.has(cell.jobId)) for (const input of inputs) distinct.add(input.checkpointId);
    else if (cell.jobId !== null) inFlight += 1;
    return {
      scheme: cell.scheme,
      label: match ? formatSchemeLabel(match.cell.scheme) : cell.scheme,
      n: cell.n,
      interval: cell.interval,
      point: cell.point,
      feasible: cell.feasible,
      reason: cell.reason,
      code: cell.reasonCode,
      notes: cell.notes,
      recipeHash: cell.recipeHash,
      status: cell.status,
      inputs,
    };
  });

  const throughput = measureMergeThroughput(db);
  const spacing = checkpointSpacing(facts.checkpointTokens);
  const feasible = cells.filter((cell) => cell.feasible);
  return {
    run,
    points: request.points,
    cells,
    counts: {
      cells: cells.length,
      feasible: feasible.length,
      infeasible: cells.length - feasible.length,
      newMerges: preview.estimate.outputs,
      reused: feasible.filter((cell) => cell.status === "done").length,
      inFlight,
    },
    cost: {
      distinctCheckpoints: distinct.size,
      distinctBytesToRead: [...distinct].reduce((total, id) => total + (bytesById.get(id) ?? 0), 0),
      bytesToRead: preview.estimate.bytesToRead,
      bytesToWrite: preview.estimate.bytesToWrite,
      passes: preview.estimate.jobs.length,
      space: preview.space,
      disk: preview.disk,
      seconds: estimateSeconds(preview.estimate.bytesToRead, throughput),
      throughput,
    },
    warnings: request.intervals.flatMap((interval) => describeIntervalFit(interval, spacing) ?? []),
    spacing,
  };
}

/** Launches the form as a new sweep (one transaction, all or nothing). */
export function launchFromForm(db: Db, form: LaunchForm, deps: EnqueueDeps): CreatedSweep {
  return createSweep(db, requestFromForm(db, form), deps);
}

/** Appends the form's grid to a sweep over the sweep's own run (the form's run is ignored). */
export function appendFromForm(db: Db, sweepId: number, form: LaunchForm, deps: EnqueueDeps): CreatedSweep {
  const { run: _run, ...request } = requestFromForm(db, { ...form, run: findSweep(db, sweepId).run });
  return appendSweepCells(db, sweepId, request, deps);
}

function findSweep(db: Db, sweepId: number): { id: number; run: string; tolerance: number | undefined } {
  const sweep = findSweepById(db, sweepId);
  if (!sweep) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const run = findRunById(db, sweep.runId);
  if (!run) throw new PmaError("run_not_found", `the sweep's run #${sweep.runId} no longer exists`);
  return { id: sweep.id, run: run.name, tolerance: sweep.grid.tolerance };
}

function cellKey(scheme: string, n: number, interval: number, point: number): string {
  return `${scheme}|${n}|${interval}|${point}`;
}

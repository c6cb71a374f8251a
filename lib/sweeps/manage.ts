import { writeTransaction, type Db } from "../../db/client";
import { CELL_FROM_JOB, findJobsByIds, findRecipe, findSweepById, listCells, listCellsForJobs, refreshSweepStatus, updateCells } from "../../db/queries";
import type { SweepCell } from "../../db/schema";
import { PmaError } from "../errors";
import { cancelJobIn } from "../jobs/queue";
import type { MergeRecipe } from "../merge/plan";
import { loadEvaluators } from "../eval/registry";
import { enqueueSweepEvaluations } from "./evaluations";
import { enqueueRecipes, type EnqueueDeps, type SweepEstimate } from "./enqueue";

function sweepCells(tx: Db, sweepId: number, cellIds?: number[]): SweepCell[] {
  if (!findSweepById(tx, sweepId)) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const cells = listCells(tx, sweepId);
  if (!cellIds) return cells;
  const wanted = new Set(cellIds);
  const chosen = cells.filter((cell) => wanted.has(cell.id));
  if (chosen.length !== wanted.size) throw new PmaError("cell_not_found", `sweep #${sweepId} has no cell ${cellIds.filter((id) => !chosen.some((cell) => cell.id === id)).join(", ")}`);
  return chosen;
}

/**
 * Cancels cells (all of the sweep's when `cellIds` is omitted) that are not finished. A job is cancelled once no
 * live cell anywhere still waits on it, so a fused pass shared with another sweep keeps running for that one.
 */
export function cancelSweepCells(db: Db, sweepId: number, cellIds?: number[]): { cancelled: number; jobsCancelled: number[] } {
  return writeTransaction(db, (tx) => {
    const cells = sweepCells(tx, sweepId, cellIds).filter((cell) => cell.status === "queued" || cell.status === "running");
    updateCells(tx, cells.map((cell) => cell.id), { status: "cancelled" });
    const jobIds = [...new Set(cells.flatMap((cell) => (cell.jobId ? [cell.jobId] : [])))];
    const stillWanted = new Set(listCellsForJobs(tx, jobIds).filter((cell) => cell.status === "queued" || cell.status === "running").map((cell) => cell.jobId));
    const jobsCancelled: number[] = [];
    const now = Date.now();
    for (const job of findJobsByIds(tx, jobIds)) {
      if (stillWanted.has(job.id) || (job.status !== "queued" && job.status !== "running")) continue;
      cancelJobIn(tx, job.id, now);
      jobsCancelled.push(job.id);
    }
    refreshSweepStatus(tx, [sweepId]);
    return { cancelled: cells.length, jobsCancelled };
  });
}

/**
 * Re-runs failed and cancelled cells (all of the sweep's when `cellIds` is omitted): a recipe published meanwhile
 * is simply done; one in flight elsewhere is waited on; the rest get new fused passes (the failed jobs stay as
 * history). One transaction, with the same disk check as creation.
 */
export function retrySweepCells(db: Db, sweepId: number, cellIds: number[] | undefined, deps: EnqueueDeps & { chunkSize?: number }): { retried: number; estimate: SweepEstimate } {
  return writeTransaction(db, (tx) => {
    const sweep = findSweepById(tx, sweepId);
    const cells = sweepCells(tx, sweepId, cellIds).filter((cell) => (cell.status === "failed" || cell.status === "cancelled") && cell.recipeHash);
    const recipes = new Map<string, MergeRecipe>();
    for (const cell of cells) recipes.set(cell.recipeHash!, findRecipe(tx, cell.recipeHash!)!.recipe);
    const { jobByRecipe, published, estimate } = enqueueRecipes(tx, recipes, { runId: sweep!.runId, sweepId, chunkSize: deps.chunkSize }, deps);
    const jobStatus = new Map(findJobsByIds(tx, [...new Set(jobByRecipe.values())]).map((job) => [job.id, job.status]));
    for (const cell of cells) {
      if (published.has(cell.recipeHash!)) updateCells(tx, [cell.id], { status: "done", jobId: null });
      else {
        const jobId = jobByRecipe.get(cell.recipeHash!)!;
        updateCells(tx, [cell.id], { status: CELL_FROM_JOB[jobStatus.get(jobId) ?? "queued"], jobId });
      }
    }
    refreshSweepStatus(tx, [sweepId]);
    // Failed evaluations of the baselines and of published cells run again too.
    if (sweep!.evaluators.length > 0) enqueueSweepEvaluations(tx, sweepId, deps.dataDir, deps.registry ?? loadEvaluators(deps.dataDir), { retryFailed: true });
    return { retried: cells.length, estimate };
  });
}

/** Marks cells' merged models as kept (or not): gc never deletes a model any kept cell uses. */
export function setCellsKeep(db: Db, sweepId: number, cellIds: number[] | undefined, keep: boolean): number {
  return writeTransaction(db, (tx) => {
    const cells = sweepCells(tx, sweepId, cellIds);
    updateCells(tx, cells.map((cell) => cell.id), { keep });
    return cells.length;
  });
}

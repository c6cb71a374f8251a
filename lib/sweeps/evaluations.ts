import type { Db } from "../../db/client";
import { findPublishedArtifactsByRecipes, findSweepById, listBranches, listCells, listCheckpoints, listSweepsUsingRecipe } from "../../db/queries";
import type { Checkpoint, Sweep } from "../../db/schema";
import { latestAt } from "../analysis/series";
import { dataLayout } from "../disk";
import { checkpointCandidate, enqueueEvaluations, mergeCandidate, type EvaluationCandidate } from "../eval/enqueue";
import { loadEvaluators, type EvaluatorRegistry } from "../eval/registry";

/**
 * A sweep's evaluations: its merged models, and the baselines every comparison needs — the run's own latest
 * checkpoint at each merge point T (the un-merged model) and, where an annealed branch has a checkpoint at exactly
 * T tokens, that checkpoint (the "delta against the annealed baseline"). Everything goes through
 * enqueueEvaluations, which skips what is already scored or in flight.
 */
export interface PointBaselines {
  point: number;
  /** The run's checkpoint with the most tokens ≤ T. */
  checkpoint: Checkpoint | null;
  annealed: { run: string; checkpoint: Checkpoint }[];
}

/** Throws eval_evaluator_unknown (naming the configured ones) before the caller stores anything. */
export function checkEvaluatorNames(registry: EvaluatorRegistry, names: string[]): void {
  for (const name of names) registry.get(name);
}

export function findPointBaselines(db: Db, runId: number, points: number[]): PointBaselines[] {
  const own = listCheckpoints(db, runId, { includeMissing: true }).filter((c): c is Checkpoint & { tokens: number } => c.tokens !== null);
  const branches = listBranches(db, runId)
    .filter((run) => run.kind === "annealed")
    .map((run) => ({ run, checkpoints: listCheckpoints(db, run.id, { includeMissing: true }) }));
  return [...new Set(points)].map((point) => {
    const latest = latestAt(own, point);
    const annealed = branches.flatMap(({ run, checkpoints }) => {
      const at = checkpoints.find((c) => c.tokens === point);
      return at ? [{ run: run.name, checkpoint: at }] : [];
    });
    return { point, checkpoint: latest, annealed };
  });
}

function baselineCandidates(db: Db, sweep: Sweep): EvaluationCandidate[] {
  const baselines = findPointBaselines(db, sweep.runId, sweep.grid.points);
  const checkpoints = baselines.flatMap((b) => [...(b.checkpoint ? [b.checkpoint] : []), ...b.annealed.map((a) => a.checkpoint)]);
  const unique = new Map(checkpoints.filter((c) => c.status === "present").map((c) => [c.id, c]));
  return [...unique.values()].map(checkpointCandidate);
}

/**
 * Inside the caller's write transaction: the baselines and every published cell of the sweep, with each of its
 * evaluators. `retryFailed` re-enqueues failed evaluations (retrying a sweep's cells).
 */
export function enqueueSweepEvaluations(tx: Db, sweepId: number, dataDir: string, registry: EvaluatorRegistry, options: { retryFailed?: boolean } = {}): number {
  const sweep = findSweepById(tx, sweepId);
  if (!sweep || sweep.evaluators.length === 0) return 0;
  const hashes = [...new Set(listCells(tx, sweepId).flatMap((cell) => (cell.recipeHash && cell.status === "done" ? [cell.recipeHash] : [])))];
  const published = findPublishedArtifactsByRecipes(tx, hashes);
  const artifacts = dataLayout(dataDir).artifacts;
  const candidates = [...baselineCandidates(tx, sweep), ...[...published.keys()].map((hash) => mergeCandidate(hash, artifacts))];
  return enqueueEvaluations(tx, registry, sweep.evaluators, candidates, options).queued.length;
}

/**
 * Inside the publish transaction of a merged model: enqueues its evaluations for every sweep using it. The
 * evaluators config is the server's; a config that no longer loads, or no longer names a sweep's evaluator, must
 * not undo a published merge — those evaluations are left out, and retrying the sweep's cells enqueues them once
 * the config is fixed.
 */
export function enqueueMergeEvaluations(tx: Db, recipeHash: string, dataDir: string, loadRegistry: () => EvaluatorRegistry = () => loadEvaluators(dataDir)): number {
  const sweeps = listSweepsUsingRecipe(tx, recipeHash).filter((sweep) => sweep.evaluators.length > 0);
  if (sweeps.length === 0) return 0;
  let registry: EvaluatorRegistry;
  try {
    registry = loadRegistry();
  } catch {
    return 0;
  }
  const known = new Set(registry.list().map((e) => e.name));
  const names = [...new Set(sweeps.flatMap((sweep) => sweep.evaluators))].filter((name) => known.has(name));
  if (names.length === 0) return 0;
  return enqueueEvaluations(tx, registry, names, [mergeCandidate(recipeHash, dataLayout(dataDir).artifacts)]).queued.length;
}

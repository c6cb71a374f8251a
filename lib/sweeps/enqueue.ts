import type { Db } from "../../db/client";
import { findActiveJobsForRecipes, findPublishedArtifactsByRecipes, insertRecipes, listCheckpoints, sumReservedBytes } from "../../db/queries";
import { checkDiskSpace, type StatDisk } from "../disk";
import { PmaError } from "../errors";
import { enqueueJob } from "../jobs/queue";
import { targetNewSweepJobs } from "../slurm/target";
import type { EvaluatorRegistry } from "../eval/registry";
import type { MergeRecipe } from "../merge/plan";
import { estimateOutputBytes, scheduleFusedPasses, type RecipeWork } from "./schedule";

export interface EnqueueDeps {
  dataDir: string;
  /** Free-space probe; tests pass a small disk. */
  statDisk?: StatDisk;
  /** Runs inside the transaction after each job is enqueued; tests use it to fail midway. */
  afterEnqueue?: (jobId: number) => void;
  /** The evaluators config; default: the server's (`loadEvaluators(dataDir)`), read when a sweep names evaluators. */
  registry?: EvaluatorRegistry;
}

export interface SweepEstimate {
  /** Merged models to compute (not published, not in flight elsewhere). */
  outputs: number;
  bytesToWrite: number;
  /** Each fused pass reads its distinct checkpoints once. */
  bytesToRead: number;
  freeBytes: number;
  reservedBytes: number;
  jobs: number[];
}

export interface EnqueuedRecipes {
  /** recipe hash → the job that produces it (new or already in flight); absent when already published. */
  jobByRecipe: Map<string, number>;
  published: Set<string>;
  estimate: SweepEstimate;
}

/**
 * Inside the caller's write transaction: stores the recipes, skips the published ones, waits on the ones already
 * queued or running anywhere, checks the disk for the rest and enqueues them as fused passes.
 */
export function enqueueRecipes(
  tx: Db,
  recipes: Map<string, MergeRecipe>,
  context: { runId: number; sweepId: number; chunkSize?: number },
  deps: EnqueueDeps,
): EnqueuedRecipes {
  const hashes = [...recipes.keys()];
  insertRecipes(tx, hashes.map((hash) => ({ hash, recipe: recipes.get(hash)!, runId: context.runId })));
  const published = findPublishedArtifactsByRecipes(tx, hashes);
  const jobByRecipe = findActiveJobsForRecipes(tx, hashes);
  const checkpoints = new Map(listCheckpoints(tx, context.runId, { includeMissing: true }).map((checkpoint) => [checkpoint.id, checkpoint]));
  const work: RecipeWork[] = [];
  for (const hash of hashes) {
    if (published.has(hash) || jobByRecipe.has(hash)) continue;
    const recipe = recipes.get(hash)!;
    const gone = recipe.inputs.filter((input) => checkpoints.get(input.checkpointId)?.status !== "present");
    if (gone.length > 0) {
      throw new PmaError("checkpoint_missing", `recipe ${hash.slice(0, 12)} needs checkpoint(s) ${gone.map((input) => `#${input.checkpointId}`).join(", ")}, whose files are missing`);
    }
    work.push({ hash, recipe, bytes: estimateOutputBytes(recipe, checkpoints) });
  }
  const planned = scheduleFusedPasses(work, checkpoints, context);
  const bytesToWrite = planned.reduce((total, job) => total + job.estimatedBytes, 0);
  const reservedBytes = sumReservedBytes(tx);
  const space = checkDiskSpace({ dir: deps.dataDir, needBytes: bytesToWrite, reservedBytes, statDisk: deps.statDisk });
  const jobs: number[] = [];
  for (const job of planned) {
    const row = enqueueJob(tx, { kind: job.kind, payload: job.payload, estimatedBytes: job.estimatedBytes });
    jobs.push(row.id);
    for (const hash of job.recipeHashes) jobByRecipe.set(hash, row.id);
    deps.afterEnqueue?.(row.id);
  }
  targetNewSweepJobs(tx, [context.sweepId], jobs);
  return {
    jobByRecipe,
    published: new Set(published.keys()),
    estimate: {
      outputs: work.length,
      bytesToWrite,
      bytesToRead: planned.reduce((total, job) => total + job.readBytes, 0),
      freeBytes: space.freeBytes,
      reservedBytes,
      jobs,
    },
  };
}

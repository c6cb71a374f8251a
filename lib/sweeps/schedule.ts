import type { Checkpoint } from "../../db/schema";
import type { MergeRecipe } from "../merge/plan";
import type { JobPayloadInput } from "../jobs/kinds";

/**
 * How a sweep's distinct recipes become jobs. All recipes of a sweep form one weight matrix (product.md, "A
 * sweep is one matrix"); one fused pass reads each checkpoint once for every output. Recipes are ordered by
 * their window (newest, then oldest input) so that neighbours share checkpoints, and cut into chunks of at most
 * `chunkSize` outputs: a chunk bounds the partial outputs on disk at once and lets several workers share a big
 * sweep, at the price of re-reading the checkpoints two chunks have in common.
 */
export const DEFAULT_CHUNK_SIZE = 8;

export interface RecipeWork {
  hash: string;
  recipe: MergeRecipe;
  /** Estimated bytes of the merged model. */
  bytes: number;
}

export interface PlannedJob {
  kind: "merge" | "sweep-pass";
  payload: JobPayloadInput<"sweep-pass">;
  recipeHashes: string[];
  estimatedBytes: number;
  /** Bytes the pass reads: each distinct input once. */
  readBytes: number;
}

export function scheduleFusedPasses(
  work: RecipeWork[],
  checkpoints: Map<number, Checkpoint>,
  context: { runId: number; sweepId: number; chunkSize?: number },
): PlannedJob[] {
  const tokens = (id: number): number => checkpoints.get(id)?.tokens ?? 0;
  const newest = (recipe: MergeRecipe): number => tokens(recipe.inputs[recipe.inputs.length - 1].checkpointId);
  const oldest = (recipe: MergeRecipe): number => tokens(recipe.inputs[0].checkpointId);
  const ordered = [...work].sort((a, b) => newest(a.recipe) - newest(b.recipe) || oldest(a.recipe) - oldest(b.recipe) || (a.hash < b.hash ? -1 : 1));
  // Near-equal chunks (9 outputs with at most 8 per pass → 5 + 4, not 8 + 1), so workers finish together.
  const count = Math.ceil(ordered.length / Math.max(1, context.chunkSize ?? DEFAULT_CHUNK_SIZE));
  const jobs: PlannedJob[] = [];
  for (let c = 0; c < count; c++) {
    const chunk = ordered.slice(Math.round((c * ordered.length) / count), Math.round(((c + 1) * ordered.length) / count));
    const ids = [...new Set(chunk.flatMap((item) => item.recipe.inputs.map((input) => input.checkpointId)))].sort((a, b) => tokens(a) - tokens(b) || a - b);
    const column = new Map(ids.map((id, index) => [id, index]));
    // The identity each recipe was hashed with: the worker merges exactly what the preview showed.
    const identity = new Map(chunk.flatMap((item) => item.recipe.inputs.map((input) => [input.checkpointId, input.identity] as const)));
    // The fingerprint at registration lets the worker notice a checkpoint rewritten since, before it reads a byte.
    const inputs = ids.map((id) => ({ checkpointId: id, identity: identity.get(id)!, fingerprint: checkpoints.get(id)!.fingerprint, path: checkpoints.get(id)!.path }));
    const outputs = chunk.map((item) => {
      const weights = new Array<number>(ids.length).fill(0);
      for (const input of item.recipe.inputs) weights[column.get(input.checkpointId)!] += input.weight;
      return { recipeHash: item.hash, name: `merges/${item.hash}`, weights, outputDtype: item.recipe.outputDtype };
    });
    jobs.push({
      kind: chunk.length === 1 ? "merge" : "sweep-pass",
      payload: { runId: context.runId, sweepId: context.sweepId, inputs, outputs, accumulate: chunk[0].recipe.accumulate },
      recipeHashes: chunk.map((item) => item.hash),
      estimatedBytes: chunk.reduce((total, item) => total + item.bytes, 0),
      readBytes: ids.reduce((total, id) => total + (checkpoints.get(id)?.bytes ?? 0), 0),
    });
  }
  return jobs;
}

/** Bytes of a merged model: its newest input's size, rescaled when the output dtype differs from the input's. */
export function estimateOutputBytes(recipe: MergeRecipe, checkpoints: Map<number, Checkpoint>): number {
  const newest = checkpoints.get(recipe.inputs[recipe.inputs.length - 1].checkpointId);
  if (!newest) return 0;
  const width: Record<string, number> = { BF16: 2, F16: 2, F32: 4, F64: 8 };
  const inputWidth = newest.dtypes.map((dtype) => width[dtype]).find((value) => value !== undefined);
  const outputWidth = recipe.outputDtype === "input" ? undefined : width[recipe.outputDtype];
  if (!inputWidth || !outputWidth || inputWidth === outputWidth) return newest.bytes;
  return Math.round((newest.bytes * outputWidth) / inputWidth);
}

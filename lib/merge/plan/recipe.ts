import { createHash } from "node:crypto";
import { PmaError } from "../../errors";
import type { SchemeSpec } from "../weights";
import type { FeasiblePlan } from "./types";

export type AccumulateDtype = "fp32" | "fp64";
export type OutputDtype = "input" | "BF16" | "F16" | "F32";

/**
 * Everything the executor needs, every weight already a number. Stored before anything runs, so the worker
 * executes exactly what the preview showed.
 */
export interface MergeRecipe {
  /** Oldest first. */
  inputs: { checkpointId: number; identity: string; weight: number }[];
  accumulate: AccumulateDtype;
  /** "input": the inputs' own dtype, rounded to nearest even. */
  outputDtype: OutputDtype;
  /** Informational only: it does not enter the hash. */
  scheme: SchemeSpec;
}

export interface RecipeOptions {
  /** Default "fp32", which is exact enough for averaging bf16 / fp16 inputs. */
  accumulate?: AccumulateDtype;
  /** Default "input". */
  outputDtype?: OutputDtype;
}

/**
 * Version of the canonical form below; bump it if the form changes so old and new hashes never collide by
 * accident.
 */
const RECIPE_HASH_VERSION = 1;

export function buildRecipe(plan: FeasiblePlan, scheme: SchemeSpec, options: RecipeOptions = {}): MergeRecipe {
  return {
    inputs: plan.inputs.map((input) => ({ checkpointId: input.checkpointId, identity: input.identity, weight: input.weight })),
    accumulate: options.accumulate ?? "fp32",
    outputDtype: options.outputDtype ?? "input",
    scheme,
  };
}

/**
 * Canonical JSON of what determines the output bytes: input identities in order with their weights, the
 * accumulation and output dtypes. Not the scheme (SMA N=1 and custom [1] on one checkpoint are the same merge)
 * and not checkpoint ids (a re-registered file keeps its identity). Weights enter exactly, as JSON's shortest
 * round-trip decimals: 1/3 and 0.3333333333333333 are the same double and hash alike, but any real difference
 * in a weight, however small, changes the hash — rounding them would make two different merges share a result.
 */
export function canonicalRecipeJson(recipe: MergeRecipe): string {
  checkRecipe(recipe);
  return JSON.stringify({
    v: RECIPE_HASH_VERSION,
    inputs: recipe.inputs.map((input) => [input.identity, input.weight]),
    accumulate: recipe.accumulate,
    outputDtype: recipe.outputDtype,
  });
}

/** sha256 (64 lowercase hex digits) of `canonicalRecipeJson`; equal hashes mean the same merged model. */
export function recipeHash(recipe: MergeRecipe): string {
  return createHash("sha256").update(canonicalRecipeJson(recipe), "utf8").digest("hex");
}

function checkRecipe(recipe: MergeRecipe): void {
  if (recipe.inputs.length === 0) throw new PmaError("recipe_invalid", "a recipe needs at least one input");
  for (const [i, input] of recipe.inputs.entries()) {
    // JSON.stringify would turn NaN into null and make different broken recipes hash alike.
    if (!Number.isFinite(input.weight)) {
      throw new PmaError("recipe_invalid", `input ${i + 1} (#${input.checkpointId}) has a non-finite weight ${input.weight}`);
    }
    if (typeof input.identity !== "string" || input.identity === "") {
      throw new PmaError("recipe_invalid", `input ${i + 1} (#${input.checkpointId}) has no identity to hash`);
    }
  }
}

import type { Checkpoint, Run } from "../../db/schema";
import type { Spike } from "../analysis/spikes";
import { PmaError } from "../errors";
import type { PmaInitPayload } from "../jobs/kinds";
import { recipeHash, type MergeRecipe } from "../merge/plan";
import type { SchemeSpec } from "../merge/weights";
import { describeUse, type InitAnchorRecord, type InitLineage } from "./lineage";
import { selectInitCheckpoints, type InitAnchor, type InitSelection } from "./select";

/** Where a PMA-init ends: the n-th detected spike (1-based) or a token count. */
export type InitTarget = { spike: number } | { tokens: number };

export interface InitPlan {
  recipe: MergeRecipe;
  recipeHash: string;
  selection: InitSelection;
  anchor: InitAnchorRecord;
  lineage: InitLineage;
  /** The job's payload, minus nothing: enqueue it as is. */
  payload: PmaInitPayload;
}

/**
 * Plans a PMA-init over rows already read (pure): resolve the anchor against the detected spikes, pick the
 * checkpoints, build the recipe (identities and weights, hashed like every merge) and the lineage the worker
 * writes beside the merged weights.
 */
export function planPmaInit(run: Run, checkpoints: Checkpoint[], spikes: Spike[], target: InitTarget, k: number, scheme: SchemeSpec): InitPlan {
  const anchor = resolveAnchor(spikes, target);
  const selection = selectInitCheckpoints(checkpoints, toSelectAnchor(anchor), k, scheme);
  const byId = new Map(checkpoints.map((checkpoint) => [checkpoint.id, checkpoint]));
  const chosen = selection.inputs.map((input) => ({ ...input, row: byId.get(input.checkpointId)! }));
  const recipe: MergeRecipe = {
    inputs: chosen.map(({ row, weight }) => ({ checkpointId: row.id, identity: row.sha256 ?? row.fingerprint, weight })),
    accumulate: "fp32",
    outputDtype: "input",
    scheme,
  };
  const hash = recipeHash(recipe);
  const newest = chosen[chosen.length - 1];
  const resumeAt = { step: newest.step, tokens: newest.tokens };
  const lineage: InitLineage = {
    kind: "pma-lab.pma-init",
    version: 1,
    recipeHash: hash,
    source: { run: run.name, runId: run.id },
    anchor,
    scheme,
    label: selection.label,
    k,
    checkpoints: chosen.map(({ row, weight }) => ({ checkpointId: row.id, step: row.step, tokens: row.tokens, path: row.path, identity: row.sha256 ?? row.fingerprint, weight })),
    accumulate: recipe.accumulate,
    outputDtype: recipe.outputDtype,
    resumeAt,
    howToUse: describeUse(run.name, resumeAt),
  };
  const payload: PmaInitPayload = {
    runId: run.id,
    recipeHash: hash,
    name: `inits/${hash}`,
    inputs: chosen.map(({ row }) => ({ checkpointId: row.id, identity: row.sha256 ?? row.fingerprint, path: row.path })),
    weights: recipe.inputs.map((input) => input.weight),
    outputDtype: recipe.outputDtype,
    accumulate: recipe.accumulate,
    lineage,
  };
  return { recipe, recipeHash: hash, selection, anchor, lineage, payload };
}

function resolveAnchor(spikes: Spike[], target: InitTarget): InitAnchorRecord {
  if ("tokens" in target) {
    if (!Number.isSafeInteger(target.tokens) || target.tokens < 0) throw new PmaError("init_point_invalid", `the point must be a whole number of tokens ≥ 0, got ${target.tokens}`);
    return { kind: "point", tokens: target.tokens };
  }
  const spike = spikes[target.spike - 1];
  if (!Number.isInteger(target.spike) || !spike) {
    const known = spikes.length === 0 ? "no spike was detected in this run's loss log" : `the run has spike${spikes.length === 1 ? "" : "s"} 1${spikes.length > 1 ? `–${spikes.length}` : ""}`;
    throw new PmaError("init_spike_not_found", `there is no spike ${target.spike}: ${known}`);
  }
  return { kind: "spike", index: target.spike, startStep: spike.startStep, startTokens: spike.startTokens, peakStep: spike.peakStep, peak: Number.isFinite(spike.peak) ? spike.peak : null };
}

function toSelectAnchor(anchor: InitAnchorRecord): InitAnchor {
  return anchor.kind === "spike" ? { kind: "spike", startStep: anchor.startStep, startTokens: anchor.startTokens } : anchor;
}

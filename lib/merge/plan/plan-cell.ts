import { isPmaError } from "../../errors";
import { computeWeights } from "../weights";
import { indexCheckpoints, matchTarget, type CheckpointIndex, type TargetMatch } from "./match";
import { describeBeforeStart, describeDtypeMismatch, describeReuse, describeStandIns, describeUnmatched } from "./reasons";
import type { CellPlan, CellSpec, InfeasiblePlan, PlanCheckpoint, PlannedInput, PlanOptions } from "./types";
import { checkCellShape, listWindowTargets, resolveTolerance } from "./window";

/**
 * Plans one cell (T, N, V, scheme): which checkpoints it merges, oldest first, and with which weights. Every
 * target is filled by its nearest present checkpoint within the tolerance or the cell is infeasible with a
 * reason — never a silent substitute (product.md, "The merge, precisely").
 */
export function planCell(checkpoints: PlanCheckpoint[], cell: CellSpec, options: PlanOptions = {}): CellPlan {
  return planIndexedCell(indexCheckpoints(checkpoints), cell, options);
}

/** The same, over checkpoints indexed once (a sweep plans many cells over one run). */
export function planIndexedCell(index: CheckpointIndex, cell: CellSpec, options: PlanOptions): CellPlan {
  const invalid = checkCellShape(cell);
  if (invalid) return invalid;
  const tolerance = resolveTolerance(cell, options);
  let weights: number[];
  try {
    weights = computeWeights(cell.scheme, cell.n);
  } catch (error) {
    // A custom vector of the wrong length or a bad α belongs to this cell only; the rest of a sweep still plans.
    if (isPmaError(error)) return { feasible: false, code: error.code, reason: error.message };
    throw error;
  }

  const targets = listWindowTargets(cell);
  const beforeStart = targets.filter((target) => target.target < 0);
  const matches = targets.filter((target) => target.target >= 0).map((target) => matchTarget(index, target, tolerance));
  const misses = matches.filter((match) => !match.checkpoint);
  if (beforeStart.length > 0 || misses.length > 0) {
    const reasons = [];
    if (beforeStart.length > 0) reasons.push(describeBeforeStart(cell, beforeStart));
    if (misses.length > 0) reasons.push(describeUnmatched(misses, tolerance));
    return {
      feasible: false,
      code: beforeStart.length > 0 ? "plan_before_start" : "plan_checkpoint_missing",
      reason: reasons.join("; "),
      missingTargets: [...beforeStart, ...misses].map((target) => target.target),
    };
  }

  const reused = findReuse(matches);
  if (reused) {
    const [first, second] = reused;
    const reason = describeReuse(first, second, cell, tolerance);
    return { feasible: false, code: "plan_checkpoint_reused", reason, missingTargets: [second.target] };
  }

  const inputs: PlannedInput[] = matches.map((match, i) => ({
    checkpointId: match.checkpoint!.id,
    identity: match.checkpoint!.identity,
    target: match.target,
    tokens: match.checkpoint!.tokens,
    offBy: match.checkpoint!.tokens - match.target,
    weight: weights[i],
  }));
  const mismatch = checkDtypes(matches, inputs);
  if (mismatch) return mismatch;
  return { feasible: true, inputs, weights, notes: describeStandIns(matches) };
}

function findReuse(matches: TargetMatch[]): [TargetMatch, TargetMatch] | null {
  const seen = new Map<number, TargetMatch>();
  for (const match of matches) {
    const earlier = seen.get(match.checkpoint!.id);
    if (earlier) return [earlier, match];
    seen.set(match.checkpoint!.id, match);
  }
  return null;
}

/** Catches a mixed-dtype window in the preview; the executor still checks every tensor before merging. */
function checkDtypes(matches: TargetMatch[], inputs: PlannedInput[]): InfeasiblePlan | null {
  let reference: { input: PlannedInput; dtypes: string } | null = null;
  for (const [i, match] of matches.entries()) {
    if (match.checkpoint!.dtypes.length === 0) continue; // not read yet: nothing to compare
    const dtypes = [...new Set(match.checkpoint!.dtypes)].sort().join("+");
    if (!reference) reference = { input: inputs[i], dtypes };
    else if (reference.dtypes !== dtypes) {
      const reason = describeDtypeMismatch(reference.input, reference.dtypes, inputs[i], dtypes);
      return { feasible: false, code: "plan_dtype_mismatch", reason };
    }
  }
  return null;
}

import type { PlanCheckpoint } from "./types";
import type { WindowTarget } from "./window";

/** Checkpoints sorted once per plan: present ones can stand in; missing ones only explain a gap. */
export interface CheckpointIndex {
  present: PlanCheckpoint[];
  missing: PlanCheckpoint[];
}

export interface TargetMatch extends WindowTarget {
  /** The nearest present checkpoint within tolerance, or null. */
  checkpoint: PlanCheckpoint | null;
  /** When unmatched: the nearest present checkpoint at any distance, to say how far off it is. */
  nearest: PlanCheckpoint | null;
  /** When unmatched: a "missing" checkpoint that would have been within tolerance. */
  missingWithin: PlanCheckpoint | null;
}

export function indexCheckpoints(checkpoints: PlanCheckpoint[]): CheckpointIndex {
  const usable = checkpoints
    .filter((checkpoint) => Number.isFinite(checkpoint.tokens))
    .sort((a, b) => a.tokens - b.tokens || a.id - b.id);
  return {
    present: usable.filter((checkpoint) => checkpoint.status !== "missing"),
    missing: usable.filter((checkpoint) => checkpoint.status === "missing"),
  };
}

/** Matches one non-negative target to its nearest present checkpoint, never a farther one (no silent swaps). */
export function matchTarget(index: CheckpointIndex, target: WindowTarget, tolerance: number): TargetMatch {
  const nearest = findNearest(index.present, target.target);
  if (nearest && Math.abs(nearest.tokens - target.target) <= tolerance) {
    return { ...target, checkpoint: nearest, nearest, missingWithin: null };
  }
  const missing = findNearest(index.missing, target.target);
  const missingWithin = missing && Math.abs(missing.tokens - target.target) <= tolerance ? missing : null;
  return { ...target, checkpoint: null, nearest, missingWithin };
}

/**
 * Binary search over checkpoints sorted by (tokens, id). On a tie in distance the earlier checkpoint wins (it
 * existed by that point of training), and among equal token counts the lowest id, so plans are deterministic.
 */
export function findNearest(sorted: PlanCheckpoint[], tokens: number): PlanCheckpoint | null {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle].tokens <= tokens) low = middle + 1;
    else high = middle;
  }
  // `low` is the first checkpoint later than `tokens`; step back to the first of the group at or before it.
  let before = low - 1;
  while (before > 0 && sorted[before - 1].tokens === sorted[before].tokens) before -= 1;
  const left = before >= 0 ? sorted[before] : null;
  const right = low < sorted.length ? sorted[low] : null;
  if (!left) return right;
  if (!right) return left;
  return tokens - left.tokens <= right.tokens - tokens ? left : right;
}

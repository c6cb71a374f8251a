import type { TargetMatch } from "./match";
import { formatOffset, formatTargetLabel, formatTokens } from "./tokens";
import type { CellSpec, PlannedInput } from "./types";
import type { WindowTarget } from "./window";

/**
 * Plain-language explanations for a plan, meant to be shown as-is in the sweep preview and the CLI. They name
 * the target ("T − 3V"), the token counts and the tolerance so a user can tell what to change.
 */

/** Targets before token 0, e.g. the paper's "at 204B with V = 32B, N must shrink". */
export function describeBeforeStart(cell: CellSpec, targets: WindowTarget[]): string {
  const fits = Math.floor(cell.point / cell.interval) + 1;
  const advice = `at most N = ${fits} fits at T = ${formatTokens(cell.point)} with V = ${formatTokens(cell.interval)}`;
  if (targets.length === 1) {
    const [only] = targets;
    return `needs a checkpoint at ${formatTokens(only.target)} tokens (${formatTargetLabel(only.stepsBack)}), before training started; ${advice}`;
  }
  const newest = targets[targets.length - 1];
  const oldest = targets[0];
  const range = `${describeTarget(newest)} … ${describeTarget(oldest)}`;
  return `needs ${targets.length} checkpoints from before training started (${range}); ${advice}`;
}

/** The first unmatched target in detail, then a count of the others. */
export function describeUnmatched(misses: TargetMatch[], tolerance: number): string {
  const [first] = misses;
  const needs = `needs a checkpoint at ${formatTokens(first.target)} tokens (${formatTargetLabel(first.stepsBack)})`;
  const more = misses.length > 1 ? ` (and ${misses.length - 1} more target${misses.length > 2 ? "s" : ""} unmatched)` : "";
  return `${needs}; ${describeWhyUnmatched(first, tolerance)}${more}`;
}

function describeWhyUnmatched(miss: TargetMatch, tolerance: number): string {
  if (miss.missingWithin) {
    return `#${miss.missingWithin.id} at ${formatTokens(miss.missingWithin.tokens)} is recorded but its files are missing`;
  }
  if (!miss.nearest) return "the run has no checkpoints with files present";
  const off = formatOffset(miss.nearest.tokens - miss.target);
  return `nearest is #${miss.nearest.id} at ${formatTokens(miss.nearest.tokens)} (${off}), outside the ±${formatTokens(tolerance)} tolerance`;
}

/** Only possible when the tolerance reaches V/2: one checkpoint is the nearest for two targets. */
export function describeReuse(first: TargetMatch, second: TargetMatch, cell: CellSpec, tolerance: number): string {
  const checkpoint = first.checkpoint!;
  return (
    `#${checkpoint.id} at ${formatTokens(checkpoint.tokens)} is the nearest checkpoint for both ` +
    `${describeTarget(first)} and ${describeTarget(second)}; a checkpoint may fill only one target, so narrow the ` +
    `±${formatTokens(tolerance)} tolerance below V/2 = ${formatTokens(cell.interval / 2)}`
  );
}

export function describeDtypeMismatch(a: PlannedInput, aDtypes: string, b: PlannedInput, bDtypes: string): string {
  return (
    `inputs disagree on dtype: #${a.checkpointId} stores ${aDtypes} but #${b.checkpointId} stores ${bDtypes}; ` +
    "every input of a merge must store the same dtypes"
  );
}

/** "#12 at 12.04M stands in for T − 3V = 12M (+40K)" for every input that is not exactly on target. */
export function describeStandIns(matches: TargetMatch[]): string[] {
  return matches
    .filter((match) => match.checkpoint && match.checkpoint.tokens !== match.target)
    .map((match) => {
      const checkpoint = match.checkpoint!;
      const off = formatOffset(checkpoint.tokens - match.target);
      return `#${checkpoint.id} at ${formatTokens(checkpoint.tokens)} stands in for ${describeTarget(match)} (${off})`;
    });
}

function describeTarget(target: WindowTarget): string {
  return `${formatTargetLabel(target.stepsBack)} = ${formatTokens(target.target)}`;
}

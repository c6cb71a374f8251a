import { z } from "zod";
import { PmaError } from "../errors";
import { formatTokens } from "../merge/plan/tokens";
import { parseTokenCount, parseTokenList } from "./tokens";

/**
 * Where a sweep merges (its merge points T), chosen one of three ways in the launcher:
 * - list:     the token counts typed ("4M,8M", "500steps");
 * - every:    every k-th present checkpoint whose tokens lie in [from, to] (blank ends: the run's first / last),
 *             counted from the first one in the range — k = 1 takes them all;
 * - branches: the run's branch points, i.e. the fork tokens of its annealed branches, so every merge has an
 *             annealed baseline at exactly its T.
 * Pure: the run's facts are read elsewhere.
 */
export const pointSelectionSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("list"), list: z.string().max(20_000) }),
  z.object({ mode: z.literal("every"), every: z.number().int().min(1).max(100_000), from: z.string().max(64), to: z.string().max(64) }),
  z.object({ mode: z.literal("branches") }),
]);

export type PointSelection = z.infer<typeof pointSelectionSchema>;

/** The facts about a run that point selection needs. */
export interface PointFacts {
  tokensPerStep: number | null;
  /** Present checkpoints' token counts (any order). */
  checkpointTokens: number[];
  /** Annealed branches and where they forked. */
  branchPoints: { run: string; tokens: number }[];
}

/** The merge points T in tokens, ascending, without duplicates; errors say what to change. */
export function resolveMergePoints(selection: PointSelection, facts: PointFacts): number[] {
  if (selection.mode === "list") {
    if (selection.list.trim() === "") throw new PmaError("points_empty", "type at least one merge point, e.g. 4M,8M");
    return sortUnique(parseTokenList(selection.list, facts.tokensPerStep));
  }
  if (selection.mode === "branches") {
    if (facts.branchPoints.length === 0) throw new PmaError("points_empty", "this run has no annealed branches; register one with --branch-of, or pick points another way");
    return sortUnique(facts.branchPoints.map((branch) => branch.tokens));
  }
  const tokens = sortUnique(facts.checkpointTokens);
  if (tokens.length === 0) throw new PmaError("points_empty", "this run has no checkpoint with a token count");
  const from = selection.from.trim() === "" ? tokens[0] : parseTokenCount(selection.from, facts.tokensPerStep);
  const to = selection.to.trim() === "" ? tokens[tokens.length - 1] : parseTokenCount(selection.to, facts.tokensPerStep);
  if (from > to) throw new PmaError("points_range_invalid", `the range starts at ${formatTokens(from)}, after its end ${formatTokens(to)}`);
  const inRange = tokens.filter((value) => value >= from && value <= to);
  if (inRange.length === 0) {
    throw new PmaError("points_empty", `no checkpoint lies between ${formatTokens(from)} and ${formatTokens(to)} (the run has ${formatTokens(tokens[0])} – ${formatTokens(tokens[tokens.length - 1])})`);
  }
  return inRange.filter((_, index) => index % selection.every === 0);
}

/**
 * The run's checkpoint spacing: the most common gap between consecutive checkpoints (ties: the smaller), null
 * with fewer than two. Writers save every k steps, so this is the V a window can step by without stand-ins.
 */
export function checkpointSpacing(checkpointTokens: number[]): number | null {
  const tokens = sortUnique(checkpointTokens);
  const counts = new Map<number, number>();
  for (let i = 1; i < tokens.length; i++) counts.set(tokens[i] - tokens[i - 1], (counts.get(tokens[i] - tokens[i - 1]) ?? 0) + 1);
  let best: number | null = null;
  for (const [gap, count] of counts) if (best === null || count > counts.get(best)! || (count === counts.get(best)! && gap < best)) best = gap;
  return best;
}

/** A warning for a V that is not a whole multiple of the spacing (its windows fall between checkpoints), or null. */
export function describeIntervalFit(interval: number, spacing: number | null): string | null {
  if (spacing === null || spacing <= 0 || interval % spacing === 0) return null;
  const below = Math.floor(interval / spacing) * spacing;
  const above = below + spacing;
  const nearest = [below, above].filter((value) => value > 0).map(formatTokens).join(" or ");
  return `V = ${formatTokens(interval)} is not a multiple of the checkpoint spacing ${formatTokens(spacing)}: windows fall between checkpoints and only stand-ins within the tolerance can fill them; try ${nearest}`;
}

function sortUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

import { configKey, configLabel, sameConfig } from "./configs";
import type { MergeConfig, ScoredBranch, ScoredCell, ScoredCheckpoint, ScoreSeries, SeriesPoint } from "./types";

/** Score series over training tokens: the run's own checkpoints, one merge configuration, each annealed branch. */

function point(tokens: number, scores: ScoredCheckpoint["scores"], metric: string): SeriesPoint[] {
  const score = scores[metric];
  return score ? [{ tokens, value: score.value, stderr: score.stderr }] : [];
}

const byTokens = (a: SeriesPoint, b: SeriesPoint) => a.tokens - b.tokens;

/**
 * The run's checkpoint with the most tokens ≤ T, scored or not — the un-merged model a merge at T is compared
 * with (the same rule as the sweep's baselines). Null when every checkpoint is after T.
 */
export function latestAt<C extends { tokens: number }>(checkpoints: readonly C[], point: number): C | null {
  let latest: C | null = null;
  for (const c of checkpoints) if (c.tokens <= point && (!latest || c.tokens > latest.tokens)) latest = c;
  return latest;
}

/** The latest un-merged checkpoints: every scored checkpoint of the run, by tokens. */
export function latestSeries(checkpoints: readonly ScoredCheckpoint[], metric: string): ScoreSeries {
  return {
    key: "latest",
    label: "latest checkpoint",
    role: "latest",
    points: checkpoints.flatMap((c) => point(c.tokens, c.scores, metric)).sort(byTokens),
  };
}

/** One merge configuration's score at each merge point T. */
export function mergeSeries(cells: readonly ScoredCell[], metric: string, config: MergeConfig, label = configLabel(config)): ScoreSeries {
  const points = new Map<number, SeriesPoint>();
  // Two cells with the same configuration and T are the same recipe (a sweep plans each once); keep the first.
  for (const cell of cells) if (sameConfig(cell, config) && !points.has(cell.point)) point(cell.point, cell.scores, metric).forEach((p) => points.set(p.tokens, p));
  return { key: configKey(config), label, role: "merged", points: [...points.values()].sort(byTokens) };
}

/**
 * An annealed branch's scores by tokens. Where the parent's checkpoint at the fork point is scored it opens the
 * line: the branch starts from exactly those weights.
 */
export function annealedSeries(branch: ScoredBranch, metric: string, parent: readonly ScoredCheckpoint[] = []): ScoreSeries {
  const own = branch.checkpoints.flatMap((c) => point(c.tokens, c.scores, metric));
  const atFork = parent.find((c) => c.tokens === branch.forkTokens);
  const start = atFork && !own.some((p) => p.tokens === branch.forkTokens) ? point(atFork.tokens, atFork.scores, metric) : [];
  return { key: `annealed:${branch.name}`, label: branch.name, role: "annealed", points: [...start, ...own].sort(byTokens) };
}

/** The branch's final checkpoint (most tokens): what annealing from its fork point produced. */
export function finalCheckpoint(branch: ScoredBranch): ScoredCheckpoint | null {
  let last: ScoredCheckpoint | null = null;
  for (const c of branch.checkpoints) if (!last || c.tokens > last.tokens) last = c;
  return last;
}

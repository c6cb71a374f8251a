import { formatCount } from "../format";
import { configKey, configLabel, listConfigs, sameConfig } from "./configs";
import { bestIndex } from "./direction";
import { kendallTauB, spearman } from "./rank";
import { findMetric } from "./score-vs-tokens";
import { finalCheckpoint, latestAt } from "./series";
import type { MergeConfig, MetricInfo, RunScores, Score } from "./types";

/**
 * Annealing prediction: does a cheap merge at T tell what an expensive anneal from T will reach? For every fork
 * point T with an annealed branch, the merged model at T (one configuration) is set against the branch's final
 * checkpoint: the error per fork, its mean and maximum, and whether the merge ranks the fork points the way the
 * anneals do (Spearman ρ, Kendall τ-b, and whether both pick the same best fork). The latest un-merged
 * checkpoint at T is scored the same way, as the predictor a merge has to beat.
 */
export interface ForkPrediction {
  fork: number;
  branch: string;
  /** Tokens of the branch's final checkpoint. */
  annealedTokens: number;
  annealed: Score;
  merged: Score;
  /** merged − annealed. */
  error: number;
  absError: number;
  /** The run's latest checkpoint at T, where scored, and its error. */
  latest: Score | null;
  latestError: number | null;
}

/** A fork point that cannot be compared, and what is missing. */
export interface MissingFork {
  fork: number;
  branch: string;
  reason: string;
}

export interface Agreement {
  /** Fork points compared. */
  forks: number;
  meanAbsError: number | null;
  maxAbsError: number | null;
  /** Mean signed error (predictor − annealed): a consistent offset, as opposed to scatter. */
  meanError: number | null;
  spearman: number | null;
  kendall: number | null;
  /** Whether the predictor's best fork is the anneals' best fork (null with < 2 forks or no direction). */
  bestAgrees: boolean | null;
}

export interface Prediction {
  metric: MetricInfo;
  config: MergeConfig;
  rows: ForkPrediction[];
  missing: MissingFork[];
  merged: Agreement;
  latest: Agreement;
}

export function agreement(pairs: { predicted: number; actual: number }[], higherIsBetter: boolean | null): Agreement {
  const errors = pairs.map((p) => p.predicted - p.actual);
  const predicted = pairs.map((p) => p.predicted);
  const actual = pairs.map((p) => p.actual);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const bestPredicted = bestIndex(predicted, higherIsBetter);
  const bestActual = bestIndex(actual, higherIsBetter);
  return {
    forks: pairs.length,
    meanAbsError: mean(errors.map(Math.abs)),
    maxAbsError: errors.length ? Math.max(...errors.map(Math.abs)) : null,
    meanError: mean(errors),
    spearman: spearman(predicted, actual),
    kendall: kendallTauB(predicted, actual),
    bestAgrees: pairs.length < 2 || bestPredicted === null || bestActual === null ? null : actual[bestPredicted] === actual[bestActual],
  };
}

export function annealingPrediction(data: RunScores, metric: string, config: MergeConfig): Prediction {
  const info = findMetric(data, metric);
  const rows: ForkPrediction[] = [];
  const missing: MissingFork[] = [];
  const branches = [...data.annealed].sort((a, b) => a.forkTokens - b.forkTokens || a.name.localeCompare(b.name));
  for (const branch of branches) {
    const fork = branch.forkTokens;
    const skip = (reason: string) => missing.push({ fork, branch: branch.name, reason });
    const final = finalCheckpoint(branch);
    const annealed = final?.scores[metric];
    if (!final) {
      skip(`${branch.name} has no checkpoints`);
      continue;
    }
    if (!annealed) {
      skip(`${branch.name}'s final checkpoint (step ${final.step}, ${formatCount(final.tokens)} tokens) has no ${metric} score`);
      continue;
    }
    const cell = data.cells.find((c) => c.point === fork && sameConfig(c, config));
    if (!cell) {
      skip(`no ${configLabel(config)} merge at T = ${formatCount(fork)}: add this merge point to a sweep`);
      continue;
    }
    const merged = cell.scores[metric];
    if (!merged) {
      skip(`the ${configLabel(config)} merge at T = ${formatCount(fork)} has no ${metric} score yet`);
      continue;
    }
    const latest = latestAt(data.checkpoints, fork)?.scores[metric] ?? null;
    const error = merged.value - annealed.value;
    rows.push({ fork, branch: branch.name, annealedTokens: final.tokens, annealed, merged, error, absError: Math.abs(error), latest, latestError: latest ? latest.value - annealed.value : null });
  }
  return {
    metric: info,
    config,
    rows,
    missing,
    merged: agreement(rows.map((r) => ({ predicted: r.merged.value, actual: r.annealed.value })), info.higherIsBetter),
    latest: agreement(rows.flatMap((r) => (r.latest ? [{ predicted: r.latest.value, actual: r.annealed.value }] : [])), info.higherIsBetter),
  };
}

export interface ConfigAgreement extends Agreement {
  key: string;
  label: string;
  config: MergeConfig;
}

/** How well every merge configuration predicts the anneals, most accurate first (configurations with no fork last). */
export function predictionByConfig(data: RunScores, metric: string): ConfigAgreement[] {
  return listConfigs(data.cells)
    .map((config) => ({ key: configKey(config), label: configLabel(config), config, ...annealingPrediction(data, metric, config).merged }))
    .sort((a, b) => (a.meanAbsError ?? Infinity) - (b.meanAbsError ?? Infinity) || b.forks - a.forks);
}

import { improves } from "./direction";
import { annealedSeries, latestAt, latestSeries, mergeSeries } from "./series";
import type { MergeConfig, MetricInfo, RunScores, ScoreSeries } from "./types";

/**
 * Score vs training tokens (paper Fig. 2/3): the latest un-merged checkpoint, one PMA merge configuration and
 * every annealed branch, plus the merge's gain over the latest checkpoint at each merge point T.
 */
export interface MergeGain {
  point: number;
  merged: number;
  latest: number;
  /** merged − latest. */
  delta: number;
  /** In the metric's own direction; null where it is unknown or the two tie. */
  improved: boolean | null;
}

export interface ScoreVsTokens {
  metric: MetricInfo;
  config: MergeConfig | null;
  latest: ScoreSeries;
  merged: ScoreSeries | null;
  annealed: ScoreSeries[];
  gains: MergeGain[];
}

export function findMetric(data: Pick<RunScores, "metrics">, name: string): MetricInfo {
  return data.metrics.find((m) => m.name === name) ?? { name, higherIsBetter: null, composite: false };
}

export function scoreVsTokens(data: RunScores, metric: string, config: MergeConfig | null): ScoreVsTokens {
  const info = findMetric(data, metric);
  const merged = config ? mergeSeries(data.cells, metric, config) : null;
  const gains: MergeGain[] = [];
  for (const p of merged?.points ?? []) {
    const baseline = latestAt(data.checkpoints, p.tokens)?.scores[metric];
    if (!baseline) continue;
    gains.push({ point: p.tokens, merged: p.value, latest: baseline.value, delta: p.value - baseline.value, improved: improves(baseline.value, p.value, info.higherIsBetter) });
  }
  return {
    metric: info,
    config,
    latest: latestSeries(data.checkpoints, metric),
    merged,
    annealed: data.annealed.map((branch) => annealedSeries(branch, metric, data.checkpoints)).filter((s) => s.points.length > 0),
    gains,
  };
}

import { compareSchemes, schemeLabel } from "./configs";
import { bestIndex } from "./direction";
import { formatCount } from "../format";
import { latestSeries, mergeSeries } from "./series";
import { findMetric } from "./score-vs-tokens";
import type { MergeConfig, MetricInfo, RunScores, ScoreSeries } from "./types";

/**
 * One grid axis varied, the other two held (paper Fig. 4 and 5): the scheme comparison at fixed N and V, the
 * N panel at fixed scheme and V, the V panel at fixed scheme and N. Each panel carries the latest-checkpoint
 * baseline and, per merge point, which setting scored best in the metric's direction.
 */
export type PanelAxis = "scheme" | "n" | "interval";

export interface PanelWinner {
  point: number;
  key: string;
  label: string;
  value: number;
}

export interface ComparisonPanel {
  metric: MetricInfo;
  axis: PanelAxis;
  /** The two axes held fixed. */
  fixed: Partial<MergeConfig>;
  series: ScoreSeries[];
  baseline: ScoreSeries;
  /** Empty when the metric's direction is unknown. */
  winners: PanelWinner[];
}

/** The label of one setting of the varied axis: "SMA", "N=8", "V=41K". */
export function axisValueLabel(axis: PanelAxis, config: MergeConfig): string {
  if (axis === "scheme") return schemeLabel(config.scheme);
  if (axis === "n") return `N=${config.n}`;
  return `V=${formatCount(config.interval)}`;
}

export function comparisonPanel(data: RunScores, metric: string, axis: PanelAxis, fixed: MergeConfig): ComparisonPanel {
  const info = findMetric(data, metric);
  const held: Partial<MergeConfig> = { ...fixed };
  delete held[axis];
  const matches = data.cells.filter((c) => (axis === "scheme" || c.scheme === fixed.scheme) && (axis === "n" || c.n === fixed.n) && (axis === "interval" || c.interval === fixed.interval));
  const values = [...new Set(matches.map((c) => (axis === "scheme" ? c.scheme : String(axis === "n" ? c.n : c.interval))))];
  values.sort((a, b) => (axis === "scheme" ? compareSchemes(a, b) : Number(a) - Number(b)));
  const series = values
    .map((value) => {
      const config: MergeConfig = { ...fixed, [axis]: axis === "scheme" ? value : Number(value) };
      return mergeSeries(matches, metric, config, axisValueLabel(axis, config));
    })
    .filter((s) => s.points.length > 0);
  return { metric: info, axis, fixed: held, series, baseline: latestSeries(data.checkpoints, metric), winners: findWinners(series, info) };
}

function findWinners(series: ScoreSeries[], metric: MetricInfo): PanelWinner[] {
  const points = [...new Set(series.flatMap((s) => s.points.map((p) => p.tokens)))].sort((a, b) => a - b);
  return points.flatMap((point) => {
    const entries = series.flatMap((s) => s.points.filter((p) => p.tokens === point).map((p) => ({ series: s, value: p.value })));
    // A winner needs a contest: one setting scored at T is not "the best".
    if (entries.length < 2) return [];
    const best = bestIndex(entries.map((e) => e.value), metric.higherIsBetter);
    return best === null ? [] : [{ point, key: entries[best].series.key, label: entries[best].series.label, value: entries[best].value }];
  });
}

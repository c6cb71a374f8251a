import { formatCount } from "../format";
import { compareSchemes, configLabel } from "./configs";
import { improves } from "./direction";
import { latestAt } from "./series";
import type { MergeConfig, MetricInfo, RunScores, Score, Scores } from "./types";

/**
 * Before/after merging, per benchmark, across runs of different sizes (paper Fig. 1/9): for each run, one
 * merged model and the un-merged checkpoint it is compared with (the run's latest checkpoint at the same T).
 */
export interface RunMerge {
  run: string;
  params: number | null;
  config: MergeConfig;
  point: number;
  checkpoint: { step: number; tokens: number };
  before: Scores;
  after: Scores;
}

export interface RunMergeMissing {
  run: string;
  params: number | null;
  reason: string;
}

/**
 * The merge that stands for a run: at the latest merge point T whose merged model and baseline checkpoint are
 * both scored; among the configurations there, the requested one, else SMA (the paper's choice), then the largest
 * N (more checkpoints help once training is under way, paper §4.7), then the smallest V.
 */
export function pickRunMerge(data: RunScores, requested: Partial<MergeConfig> = {}): RunMerge | RunMergeMissing {
  const candidates = data.cells.flatMap((cell) => {
    if (Object.keys(cell.scores).length === 0) return [];
    if (requested.scheme !== undefined && cell.scheme !== requested.scheme) return [];
    if (requested.n !== undefined && cell.n !== requested.n) return [];
    if (requested.interval !== undefined && cell.interval !== requested.interval) return [];
    const baseline = latestAt(data.checkpoints, cell.point);
    return baseline && Object.keys(baseline.scores).length > 0 ? [{ cell, baseline }] : [];
  });
  if (candidates.length === 0) {
    const wanted = Object.keys(requested).length ? ` matching ${describeRequest(requested)}` : "";
    return { run: data.run, params: data.params, reason: `no scored merge${wanted} with a scored checkpoint at the same T` };
  }
  candidates.sort(
    (a, b) =>
      b.cell.point - a.cell.point ||
      Number(b.cell.scheme === "sma") - Number(a.cell.scheme === "sma") ||
      b.cell.n - a.cell.n ||
      a.cell.interval - b.cell.interval ||
      compareSchemes(a.cell.scheme, b.cell.scheme),
  );
  const { cell, baseline } = candidates[0];
  return {
    run: data.run,
    params: data.params,
    config: { scheme: cell.scheme, n: cell.n, interval: cell.interval },
    point: cell.point,
    checkpoint: { step: baseline.step, tokens: baseline.tokens },
    before: baseline.scores,
    after: cell.scores,
  };
}

function describeRequest(requested: Partial<MergeConfig>): string {
  return [requested.scheme, requested.n !== undefined ? `N=${requested.n}` : null, requested.interval !== undefined ? `V=${formatCount(requested.interval)}` : null].filter(Boolean).join(" · ");
}

export interface BeforeAfterRow {
  run: string;
  params: number | null;
  /** What was merged: "SMA · N=8 · V=41K at 1.56M". */
  merge: string;
  before: Score | null;
  after: Score | null;
  delta: number | null;
  improved: boolean | null;
}

export interface BeforeAfterPanel {
  metric: MetricInfo;
  rows: BeforeAfterRow[];
}

/** One panel per metric that any run scored; runs from the smallest model to the largest (unknown sizes last). */
export function beforeAfter(merges: readonly RunMerge[], metrics: readonly MetricInfo[]): BeforeAfterPanel[] {
  const ordered = [...merges].sort((a, b) => (a.params ?? Infinity) - (b.params ?? Infinity) || a.run.localeCompare(b.run));
  return metrics
    .map((metric) => ({
      metric,
      rows: ordered.map((m) => {
        const before = m.before[metric.name] ?? null;
        const after = m.after[metric.name] ?? null;
        const delta = before && after ? after.value - before.value : null;
        return {
          run: m.run,
          params: m.params,
          merge: `${configLabel(m.config)} at ${formatCount(m.point)}`,
          before,
          after,
          delta,
          improved: before && after ? improves(before.value, after.value, metric.higherIsBetter) : null,
        };
      }),
    }))
    .filter((panel) => panel.rows.some((r) => r.before || r.after));
}

/** Metric directions across runs: the first run that states one wins (they agree for the same evaluator). */
export function mergeMetricInfos(lists: readonly (readonly MetricInfo[])[]): MetricInfo[] {
  const byName = new Map<string, MetricInfo>();
  for (const list of lists) {
    for (const metric of list) {
      const known = byName.get(metric.name);
      if (!known || (known.higherIsBetter === null && metric.higherIsBetter !== null)) byName.set(metric.name, metric);
    }
  }
  return [...byName.values()].sort((a, b) => Number(a.composite) - Number(b.composite) || a.name.localeCompare(b.name));
}

import { formatCount } from "../../format";
import type { DatasetSweep, MetricChoice, ReportDataset } from "../dataset";
import { cellGains, compareOver, directionOf, gainsBySetting, type CellGain, type Setting } from "../gains";
import { meanInterval, type Comparison, type MeanInterval } from "../stats";

/**
 * What every section builder gets: the dataset, the metric and its direction, and each sweep's settings ranked by
 * their gain over the latest checkpoint (the summary's "best setting", reused by the other sections).
 */
export interface SectionContext {
  data: ReportDataset;
  metric: MetricChoice;
  direction: 1 | -1;
  rankings: Map<number, SettingsRanking>;
}

export interface RankedSetting {
  setting: Setting;
  /** Gains at every point where the setting is scored. */
  byPoint: Map<number, CellGain>;
  /** Over the compared points. */
  gain: MeanInterval;
  /** Mean of gain / |latest| over the compared points. */
  relative: number;
  wins: number;
}

export interface SettingsRanking {
  sweep: DatasetSweep;
  gains: CellGain[];
  ranked: RankedSetting[];
  /** The points every ranked setting is scored at (the comparison is over these), or null when they share none. */
  commonPoints: number[] | null;
  /** Settings scored at fewer than half the points of the best-covered one: left out of the ranking. */
  excluded: Setting[];
  best: RankedSetting | null;
  runnerUp: RankedSetting | null;
  bestVsRunnerUp: Comparison | null;
}

export function makeContext(data: ReportDataset): SectionContext | null {
  if (!data.metric) return null;
  const direction = directionOf(data.metric);
  return { data, metric: data.metric, direction, rankings: new Map(data.sweeps.map((sweep) => [sweep.id, rankSettings(sweep, direction)])) };
}

export function rankSettings(sweep: DatasetSweep, direction: 1 | -1): SettingsRanking {
  const gains = cellGains(sweep, direction);
  const all = gainsBySetting(gains);
  const cover = Math.max(0, ...all.map((s) => s.byPoint.size));
  const kept = all.filter((s) => s.byPoint.size * 2 >= cover);
  const excluded = all.filter((s) => !kept.includes(s)).map((s) => s.setting);
  const shared = kept.length === 0 ? [] : [...kept[0].byPoint.keys()].filter((p) => kept.every((s) => s.byPoint.has(p))).sort((a, b) => a - b);
  const commonPoints = shared.length > 0 ? shared : null;
  const ranked = kept
    .map(({ setting, byPoint }): RankedSetting => {
      const used = [...byPoint.values()].filter((g) => commonPoints === null || commonPoints.includes(g.cell.point));
      const relative = used.map((g) => g.gain.diff / Math.abs(g.point.latest!.score!.value)).filter(Number.isFinite);
      return {
        setting,
        byPoint,
        gain: meanInterval(used.map((g) => g.gain.diff)),
        relative: relative.length ? relative.reduce((a, b) => a + b, 0) / relative.length : Number.NaN,
        wins: used.filter((g) => g.gain.diff > 0).length,
      };
    })
    .sort((a, b) => b.gain.mean - a.gain.mean || (a.setting.key < b.setting.key ? -1 : 1));
  const [best = null, runnerUp = null] = ranked;
  const restrict = (s: RankedSetting) => new Map([...s.byPoint].filter(([p]) => commonPoints === null || commonPoints.includes(p)));
  return {
    sweep,
    gains,
    ranked,
    commonPoints,
    excluded,
    best,
    runnerUp,
    bestVsRunnerUp: best && runnerUp ? compareOver(restrict(best), restrict(runnerUp)) : null,
  };
}

/** "lab/main (130K params)". */
export function runTitle(sweep: DatasetSweep): string {
  return sweep.run.params ? `${sweep.run.name} (${formatCount(sweep.run.params)} params)` : sweep.run.name;
}

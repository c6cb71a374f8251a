import { configKey, configLabel, type MergeConfig } from "../analysis";
import { formatCount } from "../format";
import type { DatasetCell, DatasetPoint, DatasetSweep, MetricChoice, Score, Stage } from "./dataset";
import { comparePaired, type Comparison, type PairedDifference } from "./stats";

/**
 * Gains: differences of the report's metric signed so that positive is better (for a loss, baseline − merged).
 * A setting is one (scheme, N, V) of a sweep; its gains are taken against the latest checkpoint at each merge point.
 */
export function directionOf(metric: MetricChoice): 1 | -1 {
  return metric.higherIsBetter === false ? -1 : 1;
}

export function gainOf(model: Score, baseline: Score, direction: 1 | -1): PairedDifference {
  const se = model.stderr !== null && baseline.stderr !== null ? Math.sqrt(model.stderr ** 2 + baseline.stderr ** 2) : null;
  return { diff: direction * (model.value - baseline.value), se };
}

/** A merge configuration (lib/analysis) with its scheme's display label. */
export interface Setting {
  key: string;
  scheme: string;
  config: MergeConfig;
}

export function settingOf(cell: Pick<DatasetCell, "scheme" | "schemeToken" | "n" | "interval">): Setting {
  const config = { scheme: cell.schemeToken, n: cell.n, interval: cell.interval };
  return { key: configKey(config), scheme: cell.scheme, config };
}

/** "SMA · N=8 · V=41K", as the pages label it. */
export function settingLabel(setting: Setting): string {
  return configLabel(setting.config);
}

/** A scored cell with its gain over the latest checkpoint at its point (null when either side has no score). */
export interface CellGain {
  cell: DatasetCell;
  setting: Setting;
  point: DatasetPoint;
  gain: PairedDifference;
}

export function cellGains(sweep: DatasetSweep, direction: 1 | -1): CellGain[] {
  const points = new Map(sweep.points.map((p) => [p.point, p]));
  return sweep.cells.flatMap((cell) => {
    const point = points.get(cell.point);
    if (!cell.score || !point?.latest?.score) return [];
    return [{ cell, setting: settingOf(cell), point, gain: gainOf(cell.score, point.latest.score, direction) }];
  });
}

/** Settings in first-seen order (the sweep's cell order), with their gains by merge point. */
export function gainsBySetting(gains: CellGain[]): { setting: Setting; byPoint: Map<number, CellGain> }[] {
  const out = new Map<string, { setting: Setting; byPoint: Map<number, CellGain> }>();
  for (const g of gains) {
    const entry = out.get(g.setting.key) ?? { setting: g.setting, byPoint: new Map() };
    entry.byPoint.set(g.cell.point, g);
    out.set(g.setting.key, entry);
  }
  return [...out.values()];
}

/** Paired comparison of A and B over the keys both have (A − B of their gains). */
export function compareOver<K>(a: Map<K, CellGain>, b: Map<K, CellGain>): Comparison {
  const pairs: PairedDifference[] = [];
  for (const [key, ga] of a) {
    const gb = b.get(key);
    if (!gb) continue;
    const se = ga.gain.se !== null && gb.gain.se !== null ? Math.sqrt(ga.gain.se ** 2 + gb.gain.se ** 2) : null;
    pairs.push({ diff: ga.gain.diff - gb.gain.diff, se });
  }
  return comparePaired(pairs);
}

export function stageRange(sweep: DatasetSweep, stage: Stage): string {
  const [a, b] = sweep.stageEnds;
  if (stage === "early") return `T ≤ ${formatCount(a)}`;
  if (stage === "mid") return `${formatCount(a)} < T ≤ ${formatCount(b)}`;
  return `T > ${formatCount(b)}`;
}

import { formatCount } from "../format";
import type { MergeConfig, ScoredCell } from "./types";

/** Merge configurations (scheme × N × V): identity, labels, ordering and the default the charts open with. */

export function configKey(config: MergeConfig): string {
  return `${config.scheme}|${config.n}|${config.interval}`;
}

export function sameConfig(a: MergeConfig, b: MergeConfig): boolean {
  return a.scheme === b.scheme && a.n === b.n && a.interval === b.interval;
}

/** "sma" → "SMA", "ema:0.2" → "EMA α=0.2", "ema:0.2:closed" → "EMA α=0.2 closed", "custom:1/2:raw" → "custom 1/2 raw". */
export function schemeLabel(token: string): string {
  const [name, ...args] = token.split(":");
  switch (name) {
    case "sma":
    case "wma":
      return name.toUpperCase();
    case "ema":
      return [`EMA α=${args[0]}`, ...args.slice(1)].join(" ");
    default:
      return [name, ...args].join(" ");
  }
}

/** "SMA · N=8 · V=41K". */
export function configLabel(config: MergeConfig): string {
  return `${schemeLabel(config.scheme)} · N=${config.n} · V=${formatCount(config.interval)}`;
}

/** SMA, WMA, then EMA by α (recursive before closed), then anything else by name: the paper's Fig. 4 order. */
export function compareSchemes(a: string, b: string): number {
  const rank = (token: string) => {
    const [name, alpha, form] = token.split(":");
    const order = ["sma", "wma", "ema"].indexOf(name);
    return { order: order === -1 ? 3 : order, alpha: Number(alpha ?? 0) || 0, form: form ?? "" };
  };
  const ra = rank(a);
  const rb = rank(b);
  return ra.order - rb.order || ra.alpha - rb.alpha || ra.form.localeCompare(rb.form) || a.localeCompare(b);
}

export interface ConfigAxes {
  schemes: string[];
  ns: number[];
  intervals: number[];
  points: number[];
}

/** The distinct values of each grid axis among the cells, in display order. */
export function listConfigAxes(cells: readonly ScoredCell[]): ConfigAxes {
  const numbers = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);
  return {
    schemes: [...new Set(cells.map((c) => c.scheme))].sort(compareSchemes),
    ns: numbers(cells.map((c) => c.n)),
    intervals: numbers(cells.map((c) => c.interval)),
    points: numbers(cells.map((c) => c.point)),
  };
}

/** Every distinct configuration among the cells, in scheme, N, V order. */
export function listConfigs(cells: readonly ScoredCell[]): MergeConfig[] {
  const byKey = new Map<string, MergeConfig>();
  for (const cell of cells) byKey.set(configKey(cell), { scheme: cell.scheme, n: cell.n, interval: cell.interval });
  return [...byKey.values()].sort((a, b) => compareSchemes(a.scheme, b.scheme) || a.n - b.n || a.interval - b.interval);
}

/**
 * The configuration a chart opens with when the URL names none (or only part of one): the requested values where
 * given, and otherwise the configuration with the most merge points scored on `metric` — preferring SMA (the
 * paper's choice after its ablation), then the larger N, then the smaller V. Null when no cell is scored.
 */
export function pickConfig(cells: readonly ScoredCell[], metric: string, requested: Partial<MergeConfig> = {}): MergeConfig | null {
  const scored = new Map<string, { config: MergeConfig; points: number }>();
  for (const cell of cells) {
    if (!cell.scores[metric]) continue;
    if (requested.scheme !== undefined && cell.scheme !== requested.scheme) continue;
    if (requested.n !== undefined && cell.n !== requested.n) continue;
    if (requested.interval !== undefined && cell.interval !== requested.interval) continue;
    const key = configKey(cell);
    const entry = scored.get(key) ?? { config: { scheme: cell.scheme, n: cell.n, interval: cell.interval }, points: 0 };
    entry.points += 1;
    scored.set(key, entry);
  }
  const ranked = [...scored.values()].sort(
    (a, b) =>
      b.points - a.points ||
      Number(b.config.scheme === "sma") - Number(a.config.scheme === "sma") ||
      b.config.n - a.config.n ||
      a.config.interval - b.config.interval ||
      compareSchemes(a.config.scheme, b.config.scheme),
  );
  return ranked[0]?.config ?? null;
}

import type { CellGain } from "../gains";
import { comparePaired, meanInterval, type Comparison, type MeanInterval } from "../stats";

/**
 * Comparing the levels of one factor (scheme, N or V) over cells matched on everything else: only keys where every
 * level is scored enter, so each level is averaged over the same cells. The leader is declared a winner only if it
 * beats every other level beyond the noise, at 5% split over the comparisons (Bonferroni).
 */
export interface LevelResult<L> {
  level: L;
  gain: MeanInterval;
  /** Leader − this level, over the matched keys (null for the leader itself). */
  vsLeader: Comparison | null;
}

export interface FactorComparison<L> {
  levels: LevelResult<L>[];
  matched: number;
  /** The leader if it beats every other level beyond the noise, else null. */
  winner: L | null;
  /** Levels not distinguishable from the leader. */
  tied: L[];
  alpha: number;
}

export function compareFactor<L extends string | number>(gains: CellGain[], levelOf: (g: CellGain) => L, keyOf: (g: CellGain) => string): FactorComparison<L> | null {
  const byLevel = new Map<L, Map<string, CellGain>>();
  for (const g of gains) {
    const level = levelOf(g);
    const map = byLevel.get(level) ?? new Map<string, CellGain>();
    map.set(keyOf(g), g);
    byLevel.set(level, map);
  }
  if (byLevel.size < 2) return null;
  const maps = [...byLevel.values()];
  const matched = [...maps[0].keys()].filter((key) => maps.every((m) => m.has(key))).sort();
  if (matched.length === 0) return null;
  const levels = [...byLevel.entries()]
    .map(([level, map]) => ({ level, map, gain: meanInterval(matched.map((k) => map.get(k)!.gain.diff)) }))
    .sort((a, b) => b.gain.mean - a.gain.mean || (String(a.level) < String(b.level) ? -1 : 1));
  const alpha = 0.05 / (levels.length - 1);
  const leader = levels[0];
  const results: LevelResult<L>[] = levels.map((l, i) => ({
    level: l.level,
    gain: l.gain,
    vsLeader:
      i === 0
        ? null
        : comparePaired(
            matched.map((k) => {
              const a = leader.map.get(k)!.gain;
              const b = l.map.get(k)!.gain;
              return { diff: a.diff - b.diff, se: a.se !== null && b.se !== null ? Math.sqrt(a.se ** 2 + b.se ** 2) : null };
            }),
            alpha,
          ),
  }));
  const others = results.slice(1);
  const tied = others.filter((r) => r.vsLeader!.decision !== "A").map((r) => r.level);
  return { levels: results, matched: matched.length, winner: tied.length === 0 ? leader.level : null, tied, alpha };
}

import { formatMetric } from "../charts/format";
import { formatCount } from "../format";
import type { Comparison, MeanInterval } from "./stats";

/**
 * Numbers and phrases in a report's sentences: the same formats as the tables (lib/format, lib/charts/format), and
 * one way to state an interval or a test, so every conclusion reads alike.
 */
export const tokens = (value: number) => formatCount(value);
export const metric = (value: number) => formatMetric(value);

/** A signed difference with 3 significant digits: "+0.0523", "−1.20". */
export function signed(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  return `${value > 0 ? "+" : "−"}${Number(Math.abs(value).toPrecision(3))}`;
}

export function pValue(p: number | null): string {
  if (p === null) return "not tested";
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "95% CI +0.01 to +0.05 (t over 9 points)", or why there is no interval. */
export function interval(m: MeanInterval, over: string): string {
  if (m.low === null || m.high === null) return `one ${over.replace(/s$/, "")} only: no interval`;
  return `95% CI ${signed(m.low)} to ${signed(m.high)} (t interval over ${m.k} ${over})`;
}

/** How a paired comparison was made and what it found. */
export function comparison(c: Comparison, over: string): string {
  if (c.test === "none") return c.k === 0 ? `no matched ${over}` : `one matched ${over.replace(/s$/, "")} and no stderr: not tested`;
  const how = c.test === "z" ? "z test on the evaluation stderr" : `paired t over ${c.k} matched ${over}${c.stderrUsed ? ", standard error widened to the evaluation stderr" : ""}`;
  return `mean difference ${signed(c.mean)}, 95% CI ${signed(c.low!)} to ${signed(c.high!)} (${how}, ${pValue(c.p)})`;
}

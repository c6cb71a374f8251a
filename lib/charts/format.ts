/**
 * Number formats for charts and tables: short, tabular-friendly and free of locale surprises, so the page and
 * the exported report SVG print the same text.
 */

/** Learning rates span 1e-6..1e-2: scientific notation with 3 significant digits ("3.00e-4"). */
export function formatLr(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  return value.toExponential(2).replace("e-", "e−").replace("e+", "e");
}

/** Losses and other metrics: 4 significant digits ("2.346"). */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return Number(value.toPrecision(4)).toString();
}

/** The first 12 hex digits of a content hash: enough to tell checkpoints apart at a glance. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 12) : "—";
}

/** A difference with its sign ("+0.0512", "−0.3"), 3 significant digits: deltas and errors. */
export function formatSigned(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const text = Number(Math.abs(value).toPrecision(3)).toString();
  return `${value > 0 ? "+" : "−"}${text}`;
}

/** A value with its standard error where known: "2.346 ± 0.012". */
export function formatWithStderr(value: number | null | undefined, stderr: number | null | undefined): string {
  const main = formatMetric(value);
  return stderr === null || stderr === undefined || !Number.isFinite(stderr) || main === "—" ? main : `${main} ± ${formatMetric(stderr)}`;
}

/** A correlation coefficient to two decimals ("0.83", "−1.00"); "—" where undefined. */
export function formatCorrelation(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value.toFixed(2).replace("-", "−");
}

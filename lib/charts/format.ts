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

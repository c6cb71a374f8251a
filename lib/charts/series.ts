/** Pure helpers that turn logged points into chart coordinates. */

export interface LoggedPoint {
  step: number;
  tokens: number | null;
  value: number;
}

/** The x coordinate of a logged point: its recorded tokens, else step × tokens per step, else none. */
export function tokensAt(step: number, tokens: number | null, tokensPerStep: number | null): number | null {
  if (tokens !== null && Number.isFinite(tokens)) return tokens;
  if (tokensPerStep !== null && tokensPerStep > 0) return step * tokensPerStep;
  return null;
}

/**
 * Keeps at most `max` points while preserving spikes: the series is cut into buckets and each bucket keeps
 * its lowest and highest value (in step order). A 100k-step log becomes ~2k points without hiding a loss spike.
 */
export function thinPoints<T extends { step: number; value: number }>(points: T[], max = 2000): T[] {
  return thinBuckets(points, max, (p) => p.value, (p) => p.step);
}

/** thinPoints for [x, y] pairs ordered by x (chart-ready lines). */
export function thinPairs(points: [number, number][], max = 2000): [number, number][] {
  return thinBuckets(points, max, (p) => p[1], (p) => p[0]);
}

function thinBuckets<T>(points: T[], max: number, valueOf: (p: T) => number, orderOf: (p: T) => number): T[] {
  if (points.length <= max || max < 4) return points;
  const buckets = Math.floor(max / 2);
  const size = points.length / buckets;
  const kept: T[] = [];
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const slice = points.slice(Math.floor(bucket * size), Math.floor((bucket + 1) * size));
    if (slice.length === 0) continue;
    let low = slice[0];
    let high = slice[0];
    for (const point of slice) {
      if (valueOf(point) < valueOf(low)) low = point;
      if (valueOf(point) > valueOf(high)) high = point;
    }
    if (low === high) kept.push(low);
    else kept.push(...(orderOf(low) < orderOf(high) ? [low, high] : [high, low]));
  }
  const last = points[points.length - 1];
  if (kept[kept.length - 1] !== last) kept.push(last);
  return kept;
}

/** The logged value at the largest step ≤ `step` (points sorted by step), or the first point after it. */
export function valueAtStep(points: LoggedPoint[], step: number): number | null {
  if (points.length === 0) return null;
  let lo = 0;
  let hi = points.length - 1;
  if (step < points[0].step) return points[0].value;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (points[mid].step <= step) lo = mid;
    else hi = mid - 1;
  }
  return points[lo].value;
}

/** Comparisons that respect a metric's direction (a loss improves downwards, an accuracy upwards). */

/** Whether `a` beats `b`: null when the direction is unknown or they tie. */
export function beats(a: number, b: number, higherIsBetter: boolean | null): boolean | null {
  if (higherIsBetter === null || a === b) return null;
  return higherIsBetter ? a > b : a < b;
}

/** Whether going from `before` to `after` is an improvement; null when unknown or unchanged. */
export function improves(before: number, after: number, higherIsBetter: boolean | null): boolean | null {
  return beats(after, before, higherIsBetter);
}

/** The index of the best value (first on ties), or null when the direction is unknown or there is nothing. */
export function bestIndex(values: number[], higherIsBetter: boolean | null): number | null {
  if (higherIsBetter === null || values.length === 0) return null;
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (beats(values[i], values[best], higherIsBetter)) best = i;
  return best;
}

import { PmaError } from "../../errors";
import { findScheme } from "./registry";
import { MAX_WINDOW_SIZE, type SchemeSpec } from "./spec";

/**
 * Weights for a window of `n` checkpoints, oldest → newest (index 0 is M_1, the oldest). Built-in schemes sum
 * to 1 up to rounding; a custom vector with `normalise: false` is returned as given.
 */
export function computeWeights(spec: SchemeSpec, n: number): number[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WINDOW_SIZE) {
    throw new PmaError("weights_invalid_n", `window size N must be an integer from 1 to ${MAX_WINDOW_SIZE}, got ${n}`, {
      details: { n },
    });
  }
  return findScheme(spec).computeWeights(spec, n);
}

/** "SMA", "WMA", "EMA α=0.2 (recursive)", "Custom [1, 2, 3] (normalised)". */
export function formatSchemeLabel(spec: SchemeSpec): string {
  return findScheme(spec).formatLabel(spec);
}

/** The CLI token for a spec; `parseSchemeList` reads it back to an equal spec. */
export function formatSchemeToken(spec: SchemeSpec): string {
  return findScheme(spec).formatToken(spec);
}

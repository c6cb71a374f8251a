import { PmaError } from "../../errors";
import type { SchemeSpec } from "./spec";

/**
 * The one interface every weighting scheme implements (one module each, listed in `registry.ts`), in the manner
 * of mergekit's merge methods: adding a scheme means one new module and one registry line.
 */
export interface WeightScheme<S extends SchemeSpec> {
  /** Weights oldest → newest for a window of `n`; `n` is already checked (integer, 1 ≤ n ≤ MAX_WINDOW_SIZE). */
  computeWeights(spec: S, n: number): number[];
  /** Short label for tables, charts and reports ("EMA α=0.2 (recursive)"). */
  formatLabel(spec: S): string;
  /** The CLI token that parses back to this same spec ("ema:0.2:closed"). */
  formatToken(spec: S): string;
  /** Builds a spec from the `:`-separated arguments that follow the scheme name in a CLI token. */
  parseArgs(args: string[]): S;
}

/** Code for any malformed CLI token; the scheme-specific validation codes are kept when they apply. */
export const SCHEME_LIST_INVALID = "weights_scheme_list_invalid";

export function throwListError(message: string): never {
  throw new PmaError(SCHEME_LIST_INVALID, message, { permanent: true });
}

/** Strict decimal parsing: `Number("")` is 0 and `Number("0x1")` is 1, neither of which a user meant. */
export function parseDecimal(text: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim())) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Divides by the sum; callers guarantee a clearly positive sum. */
export function scaleToSumOne(values: number[]): number[] {
  const sum = values.reduce((total, value) => total + value, 0);
  return values.map((value) => value / sum);
}

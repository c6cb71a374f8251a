import { PmaError } from "../../errors";
import { custom } from "./custom";
import { ema } from "./ema";
import type { WeightScheme } from "./scheme";
import { sma } from "./sma";
import type { SchemeName, SchemeSpec } from "./spec";
import { wma } from "./wma";

/** Every weighting scheme, by name. A new scheme is one module plus one line here (and one in `spec.ts`). */
export const weightSchemes: { [K in SchemeName]: WeightScheme<Extract<SchemeSpec, { scheme: K }>> } = {
  sma,
  wma,
  ema,
  custom,
};

/** The implementation for a spec; specs from stored JSON may name a scheme this build does not know. */
export function findScheme(spec: SchemeSpec): WeightScheme<SchemeSpec> {
  const name: unknown = spec?.scheme;
  if (typeof name !== "string" || !Object.hasOwn(weightSchemes, name)) {
    throw new PmaError("weights_unknown_scheme", `unknown weighting scheme "${String(name)}"`);
  }
  // The mapped type above ties each name to its own spec; callers pass the spec whose name they looked up.
  return weightSchemes[name as SchemeName] as unknown as WeightScheme<SchemeSpec>;
}

import { PmaError } from "../errors";
import type { HostWeights } from "./params";

/**
 * Σ w_i · M_i over host weights, accumulated in float64 and rounded once to f32 — the same arithmetic the
 * merge engine specifies (fp32-or-better accumulation, one rounding). Used for PMA-init and, until the
 * merge executor's in-process consumer is wired in, as the science check's default in-memory merge.
 */
export function averageWeights(models: HostWeights[], weights: number[]): HostWeights {
  if (models.length === 0 || models.length !== weights.length) {
    throw new PmaError("lab_bad_merge", `cannot average ${models.length} models with ${weights.length} weights`);
  }
  const out: HostWeights = new Map();
  for (const [name, first] of models[0]) {
    const acc = new Float64Array(first.length);
    models.forEach((model, i) => {
      const values = model.get(name);
      if (!values || values.length !== first.length) throw new PmaError("lab_bad_merge", `model ${i + 1} of the merge has no matching tensor ${name}`);
      const w = weights[i];
      for (let j = 0; j < acc.length; j++) acc[j] += w * values[j];
    });
    out.set(name, Float32Array.from(acc));
  }
  return out;
}

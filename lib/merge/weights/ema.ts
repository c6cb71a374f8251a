import { PmaError } from "../../errors";
import type { WeightScheme } from "./scheme";
import { parseDecimal, scaleToSumOne, throwListError } from "./scheme";
import { EMA_FORMS, type EmaForm } from "./spec";

type EmaSpec = { scheme: "ema"; alpha: number; form: EmaForm };

/**
 * Exponential moving average in both readings the paper leaves open (paper.md §2.3):
 * - recursive: M¹ = M_1, Mⁱ = α·M_i + (1−α)·Mⁱ⁻¹, so w_1 = (1−α)^(N−1) and w_i = α(1−α)^(N−i) for i ≥ 2 — the
 *   oldest checkpoint absorbs the leftover mass (39% of it at α = 0.1, N = 10);
 * - closed: w_i ∝ α(1−α)^(N−i) for every i, renormalised, because unnormalised they sum to 1 − (1−α)^N.
 */
export const ema: WeightScheme<EmaSpec> = {
  computeWeights(spec, n) {
    const { alpha } = spec;
    checkAlpha(alpha);
    const decay = 1 - alpha;
    const raw = Array.from({ length: n }, (_, index) => alpha * decay ** (n - 1 - index));
    if (spec.form === "closed") return scaleToSumOne(raw);
    if (spec.form !== "recursive") {
      throw new PmaError("weights_invalid_form", `EMA form must be recursive or closed, got "${String(spec.form)}"`);
    }
    // 0 ** 0 is 1, so α = 1 with N = 1 still gives [1].
    raw[0] = decay ** (n - 1);
    return raw;
  },
  formatLabel(spec) {
    return `EMA α=${spec.alpha} (${spec.form})`;
  },
  formatToken(spec) {
    return spec.form === "recursive" ? `ema:${spec.alpha}` : `ema:${spec.alpha}:${spec.form}`;
  },
  parseArgs(args) {
    if (args.length === 0 || args.length > 2) throwListError("ema needs α and optionally a form, e.g. ema:0.2 or ema:0.2:closed");
    const alpha = parseDecimal(args[0]);
    if (alpha === null) throwListError(`ema α must be a number, got "${args[0]}"`);
    checkAlpha(alpha);
    const form = (args[1] ?? "recursive").toLowerCase();
    if (!(EMA_FORMS as readonly string[]).includes(form)) {
      throwListError(`ema form must be ${EMA_FORMS.join(" or ")}, got "${args[1]}"`);
    }
    return { scheme: "ema", alpha, form: form as EmaForm };
  },
};

function checkAlpha(alpha: number): void {
  // α ≤ 0 gives no weight to anything but the oldest checkpoint; α > 1 gives negative weights.
  if (typeof alpha !== "number" || !Number.isFinite(alpha) || alpha <= 0 || alpha > 1) {
    throw new PmaError("weights_invalid_alpha", `EMA α must be in (0, 1], got ${String(alpha)}`, {
      details: { alpha },
    });
  }
}

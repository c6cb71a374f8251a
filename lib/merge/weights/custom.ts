import { PmaError } from "../../errors";
import type { WeightScheme } from "./scheme";
import { parseDecimal, scaleToSumOne, throwListError } from "./scheme";

type CustomSpec = { scheme: "custom"; weights: number[]; normalise: boolean };

/**
 * A sum this close to zero relative to the entries' magnitudes (Σw ≤ 1e-9·Σ|w|) cannot be normalised
 * meaningfully: dividing by it would blow rounding noise up into huge weights.
 */
const NORMALISE_MIN_RELATIVE_SUM = 1e-9;

/**
 * A user-supplied vector, oldest first. Any finite numbers are allowed (negative entries are a legitimate
 * extrapolation experiment); normalising is refused unless the sum is clearly positive, since dividing by a
 * negative sum would silently flip every sign.
 */
export const custom: WeightScheme<CustomSpec> = {
  computeWeights(spec, n) {
    const { weights } = spec;
    if (!Array.isArray(weights) || weights.length !== n) {
      const length = Array.isArray(weights) ? weights.length : 0;
      throw new PmaError("weights_custom_length", `custom weights have ${length} entries but the window has N = ${n}`, {
        details: { length, n },
      });
    }
    const bad = weights.findIndex((value) => typeof value !== "number" || !Number.isFinite(value));
    if (bad >= 0) {
      throw new PmaError("weights_custom_invalid", `custom weight ${bad + 1} is not a finite number (${String(weights[bad])})`);
    }
    if (!spec.normalise) return [...weights];
    const sum = weights.reduce((total, value) => total + value, 0);
    const magnitude = weights.reduce((total, value) => total + Math.abs(value), 0);
    if (!(sum > NORMALISE_MIN_RELATIVE_SUM * magnitude)) {
      throw new PmaError("weights_custom_invalid", `custom weights sum to ${sum}; only a positive sum can be normalised to 1`, {
        details: { sum },
      });
    }
    return scaleToSumOne(weights);
  },
  formatLabel(spec) {
    // Long vectors are cut so a table cell stays readable; the full vector is in the recipe.
    const shown = spec.weights.slice(0, 6).map(String).join(", ");
    const more = spec.weights.length > 6 ? ", …" : "";
    return `Custom [${shown}${more}]${spec.normalise ? " (normalised)" : ""}`;
  },
  formatToken(spec) {
    return `custom:${spec.weights.map(String).join("/")}${spec.normalise ? "" : ":raw"}`;
  },
  parseArgs(args) {
    if (args.length === 0 || args.length > 2 || (args[1] !== undefined && args[1].toLowerCase() !== "raw")) {
      throwListError("custom needs weights separated by /, optionally :raw to skip normalising, e.g. custom:1/2/3");
    }
    const weights = args[0].split("/").map((text) => {
      const value = parseDecimal(text);
      if (value === null) throwListError(`custom weight "${text}" is not a number`);
      return value;
    });
    return { scheme: "custom", weights, normalise: args[1] === undefined };
  },
};

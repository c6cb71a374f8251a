import type { WeightScheme } from "./scheme";
import { throwListError } from "./scheme";

type WmaSpec = { scheme: "wma" };

/**
 * Weighted moving average (paper §2.4): w_i = i / Σi, rising toward the newest checkpoint. Some public merge
 * scripts use n, n−1, …, 1 instead, which is the reverse of the paper once files are sorted oldest first.
 */
export const wma: WeightScheme<WmaSpec> = {
  computeWeights(_spec, n) {
    // Σ_{i=1..n} i = n(n+1)/2 is exact in doubles for every allowed n.
    const total = (n * (n + 1)) / 2;
    return Array.from({ length: n }, (_, index) => (index + 1) / total);
  },
  formatLabel() {
    return "WMA";
  },
  formatToken() {
    return "wma";
  },
  parseArgs(args) {
    if (args.length > 0) throwListError("wma takes no arguments");
    return { scheme: "wma" };
  },
};

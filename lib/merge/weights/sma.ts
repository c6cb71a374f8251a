import type { WeightScheme } from "./scheme";
import { throwListError } from "./scheme";

type SmaSpec = { scheme: "sma" };

/** Simple moving average, the paper's default after its ablation (§2.2): every checkpoint weighs 1/N. */
export const sma: WeightScheme<SmaSpec> = {
  computeWeights(_spec, n) {
    return Array.from({ length: n }, () => 1 / n);
  },
  formatLabel() {
    return "SMA";
  },
  formatToken() {
    return "sma";
  },
  parseArgs(args) {
    if (args.length > 0) throwListError("sma takes no arguments");
    return { scheme: "sma" };
  },
};

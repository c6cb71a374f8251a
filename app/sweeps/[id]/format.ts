import { formatMetric } from "../../../lib/charts/format";
import { formatSigned } from "../../../lib/charts/heatmap";
import { formatTokens } from "../../../lib/merge/plan/tokens";
import type { GridParam } from "../../../lib/sweeps/grid/state";

/** How the grid prints parameter values: tokens as 1.2B / 350M, everything else as it is. */
export function formatParam(param: GridParam, value: string | number): string {
  return param === "v" || param === "t" ? formatTokens(Number(value)) : String(value);
}

export { formatMetric, formatSigned };

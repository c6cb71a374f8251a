export { buildWeightMatrix } from "./matrix";
export type { MatrixRowSource, WeightMatrix } from "./matrix";
export { exportMergekitYaml, formatYamlFloat } from "./mergekit";
export type { MergekitExportOptions } from "./mergekit";
export { planCell } from "./plan-cell";
export { buildRecipe, canonicalRecipeJson, recipeHash } from "./recipe";
export type { AccumulateDtype, MergeRecipe, OutputDtype, RecipeOptions } from "./recipe";
export { MAX_SWEEP_CELLS, planSweep } from "./sweep";
export type { PlannedCell, SweepGrid, SweepOptions, SweepPlan } from "./sweep";
export { formatOffset, formatTargetLabel, formatTokens, stepsToTokens } from "./tokens";
export type {
  CellPlan,
  CellSpec,
  FeasiblePlan,
  InfeasiblePlan,
  PlanCheckpoint,
  PlannedInput,
  PlanOptions,
} from "./types";
export { DEFAULT_TOLERANCE_FRACTION, listWindowTargets } from "./window";

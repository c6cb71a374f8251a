import { builtinLossKind } from "./builtin-loss";
import { commandKind } from "./command";
import { lmEvalKind } from "./lm-eval";
import type { EvaluatorKind, EvaluatorKindName } from "./types";

/** Every evaluator kind, one line each. */
export const evaluatorKinds: Record<EvaluatorKindName, EvaluatorKind<never>> = {
  "builtin-loss": builtinLossKind as EvaluatorKind<never>,
  "lm-eval": lmEvalKind as EvaluatorKind<never>,
  command: commandKind as EvaluatorKind<never>,
};

export type { EvaluatorDefinition, EvaluatorKind, EvaluatorKindName, EvaluatorRunContext, EvaluatorRunResult } from "./types";
export { EVALUATOR_KINDS } from "./types";

import { evaluatorKinds, type EvaluatorDefinition, type EvaluatorRunContext, type EvaluatorRunResult } from "./kinds";
import { checkMetricRecord, checkUniqueNames } from "./metrics";

/**
 * Runs one evaluator through its kind's module, then checks what came back the same way for every kind (finite
 * values, stderr >= 0, whole n, unique names), so nothing malformed reaches the metrics table.
 */
export async function runEvaluator(definition: EvaluatorDefinition, context: EvaluatorRunContext): Promise<EvaluatorRunResult> {
  const result = await evaluatorKinds[definition.kind].run(definition as EvaluatorDefinition<never>, context);
  const where = `evaluator ${definition.name}`;
  for (const metric of result.metrics) checkMetricRecord(metric, where);
  checkUniqueNames(result.metrics, where);
  return result;
}

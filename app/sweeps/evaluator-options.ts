import { describeError } from "../../lib/errors";
import { BUILTIN_EVALUATOR, loadEvaluators } from "../../lib/eval/registry";
import type { EvaluatorOption } from "./launch-fields";

/** The server's evaluators for the launcher's checkboxes; a config that does not load offers the built-in only, and says why. */
export function evaluatorOptions(dataDir: string): { evaluators: EvaluatorOption[]; problem: string | null } {
  try {
    return { evaluators: loadEvaluators(dataDir).list().map(toOption), problem: null };
  } catch (error) {
    return { evaluators: [toOption(BUILTIN_EVALUATOR)], problem: `The evaluators config could not be read: ${describeError(error)}` };
  }
}

function toOption(definition: { name: string; description: string; gpu: boolean }): EvaluatorOption {
  return { name: definition.name, description: definition.description, gpu: definition.gpu };
}

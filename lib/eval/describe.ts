import type { EvaluatorDefinition } from "./kinds";

/**
 * What the UI, the API and the CLI show of an evaluator. Settings' environment values stay out (an
 * administrator may put an HF token there); only their names are listed.
 */
export interface EvaluatorSummary {
  name: string;
  kind: string;
  description: string;
  gpu: boolean;
  timeoutSeconds: number;
  source: string;
  /** The argv template, placeholders unfilled (spawning kinds only). */
  command: string[] | null;
  tasks: string[] | null;
  envNames: string[];
}

export function describeEvaluator(definition: EvaluatorDefinition): EvaluatorSummary {
  const settings = (definition.settings ?? {}) as { argv?: string[]; tasks?: string[]; env?: Record<string, string> };
  return {
    name: definition.name,
    kind: definition.kind,
    description: definition.description,
    gpu: definition.gpu,
    timeoutSeconds: definition.timeoutSeconds,
    source: definition.source,
    command: settings.argv ?? null,
    tasks: settings.tasks ?? null,
    envNames: Object.keys(settings.env ?? {}),
  };
}

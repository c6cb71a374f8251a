import type { SlurmSettings } from "../../../db/schema";
import type { z } from "zod";
import type { MetricRecord } from "../metrics";

export const EVALUATOR_KINDS = ["builtin-loss", "lm-eval", "command"] as const;
export type EvaluatorKindName = (typeof EVALUATOR_KINDS)[number];

/** One evaluator as the administrator configured it (settings already parsed by its kind's schema). */
export interface EvaluatorDefinition<S = unknown> {
  name: string;
  kind: EvaluatorKindName;
  description: string;
  gpu: boolean;
  timeoutSeconds: number;
  settings: S;
  /** "builtin", or the config file it came from. */
  source: string;
  /** What its evaluations ask of Slurm when their sweep runs there (partition, gpus, time…). */
  slurm?: SlurmSettings;
}

/** What one evaluation run gets: side effects come in here, so kinds stay small and testable with real files. */
export interface EvaluatorRunContext {
  /** Real path of the model directory (HF layout). */
  modelDir: string;
  /** A fresh, empty directory: the raw outputs (results JSON, metrics file) are written inside it. */
  outputDir: string;
  /** The evaluator's captured stdout and stderr go here. */
  logFile: string;
  /** CUDA_VISIBLE_DEVICES for the child (the pinned GPU), or null on a CPU slot. */
  gpu: string | null;
  /** Base environment for child processes (the worker's). */
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  log(message: string): void;
  /** The evaluator's own output as it arrives (already in `logFile`); a worker forwards it to the job log. */
  onOutput?: (text: string) => void;
}

export interface EvaluatorRunResult {
  metrics: MetricRecord[];
  /** Raw outputs worth keeping as the evaluation's artifact, relative to `outputDir`. */
  rawFiles: string[];
  warnings: string[];
  /** Small facts for the evaluation row (harness version, its config block, durations). */
  details: Record<string, unknown>;
}

/** One module per kind, behind this interface; the literal registry is in ./index.ts. */
export interface EvaluatorKind<S = unknown> {
  kind: EvaluatorKindName;
  description: string;
  /** Parses and checks `settings` when the config file loads (templates and placeholders included). */
  settings: z.ZodType<S>;
  run(definition: EvaluatorDefinition<S>, context: EvaluatorRunContext): Promise<EvaluatorRunResult>;
}

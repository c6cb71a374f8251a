import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { readLmEvalResults, toMetricRecords } from "../lm-eval-results";
import { checkUniqueNames } from "../metrics";
import { checkTemplate, spawnSettingsShape, type SpawnSettings } from "./command-settings";
import { deviceFor, readOutput, spawnEvaluator } from "./spawn";
import type { EvaluatorKind } from "./types";

/** The harness's usual command line; an administrator may give any other (a venv's lm_eval, accelerate launch, …). */
export const DEFAULT_LM_EVAL_ARGV = [
  "lm_eval",
  "--model",
  "hf",
  "--model_args",
  "pretrained={model}",
  "--tasks",
  "{tasks}",
  "--output_path",
  "{output}",
  "--device",
  "{device}",
  "--batch_size",
  "{batch_size}",
];

const settings = z
  .object({
    argv: z.array(z.string()).min(1).max(256).default(DEFAULT_LM_EVAL_ARGV),
    ...spawnSettingsShape,
    tasks: spawnSettingsShape.tasks.unwrap(),
    batchSize: spawnSettingsShape.batchSize.unwrap().default("auto"),
  })
  .strict()
  .superRefine((value, context) => checkTemplate(value, ["model", "output", "device"], ["model", "output"], context));

export type LmEvalSettings = SpawnSettings & { tasks: string[] };

/**
 * lm-evaluation-harness: runs the template with {output} pointing at a fresh directory, then reads the newest
 * results_*.json the harness wrote under it. Every metric keeps its stderr, direction and sample count; the
 * results file itself is kept as the evaluation's raw artifact.
 */
export const lmEvalKind: EvaluatorKind<LmEvalSettings> = {
  kind: "lm-eval",
  description: "EleutherAI lm-evaluation-harness; results_*.json parsed natively",
  settings: settings as unknown as z.ZodType<LmEvalSettings>,
  async run(definition, context) {
    const output = path.join(context.outputDir, "lm-eval");
    fs.mkdirSync(output); // not recursive: an existing directory would hold another run's results
    const { argv, durationMs, tail } = await spawnEvaluator(definition, context, { model: context.modelDir, output, device: deviceFor(context.gpu) });
    const results = readOutput(() => readLmEvalResults(output), tail);
    for (const warning of results.warnings) context.log(`warning: ${warning}`);
    return {
      metrics: checkUniqueNames(toMetricRecords(results), results.file),
      rawFiles: [path.relative(context.outputDir, results.file)],
      warnings: results.warnings,
      details: { argv, durationMs, lmEvalVersion: results.lmEvalVersion, modelName: results.modelName, config: results.config },
    };
  },
};

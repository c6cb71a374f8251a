import path from "node:path";
import { z } from "zod";
import { readCommandMetrics } from "../command-metrics";
import { checkTemplate, spawnSettingsShape, type SpawnSettings } from "./command-settings";
import { deviceFor, readOutput, spawnEvaluator } from "./spawn";
import type { EvaluatorKind } from "./types";

const relativeFile = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, "a relative file name inside {output}")
  .refine((name) => !name.split("/").includes(".."), "no '..'");

const settings = z
  .object({
    argv: z.array(z.string()).min(1).max(256),
    /** Where, inside {output}, the command writes its metrics; {metrics} is this path. */
    metricsFile: relativeFile.default("metrics.json"),
    ...spawnSettingsShape,
  })
  .strict()
  .superRefine((value, context) => checkTemplate(value, ["model", "output", "metrics", "device"], ["model"], context));

export type CommandSettings = SpawnSettings & { metricsFile: string };

/** Any program: runs the template, then reads the JSON metrics file it wrote (contract in ../command-metrics.ts). */
export const commandKind: EvaluatorKind<CommandSettings> = {
  kind: "command",
  description: "any command that writes a JSON metrics file",
  settings: settings as unknown as z.ZodType<CommandSettings>,
  async run(definition, context) {
    const metricsFile = path.join(context.outputDir, definition.settings.metricsFile);
    const { argv, durationMs, tail } = await spawnEvaluator(definition, context, {
      model: context.modelDir,
      output: context.outputDir,
      metrics: metricsFile,
      device: deviceFor(context.gpu),
    });
    return {
      metrics: readOutput(() => readCommandMetrics(metricsFile), tail),
      rawFiles: [definition.settings.metricsFile],
      warnings: [],
      details: { argv, durationMs },
    };
  },
};

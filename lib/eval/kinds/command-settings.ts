import { z } from "zod";
import { compileTemplate, TemplateError, type Placeholder } from "../template";

/**
 * Settings shared by the kinds that spawn a program (lm-eval, command): the argv template, extra environment,
 * and the values behind the settings placeholders. A placeholder is available only when its value is set, so a
 * template using {num_fewshot} without numFewshot fails at load time.
 */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
  .refine((name) => name !== "CUDA_VISIBLE_DEVICES", "CUDA_VISIBLE_DEVICES is set by the worker from the GPU it pins")
  .refine((name) => !name.startsWith("PMA_LAB_"), "PMA_LAB_* variables are the worker's own and never reach evaluators");

export const spawnSettingsShape = {
  env: z.record(envName, z.string().refine((value) => !value.includes("\0"), "no NUL bytes")).default({}),
  tasks: z
    .array(
      z
        .string()
        .min(1)
        .max(500)
        .refine((task) => !task.includes(",") && !task.includes("\0"), "one task per entry (no commas)"),
    )
    .min(1)
    .max(2000)
    .optional(),
  batchSize: z.union([z.number().int().positive(), z.string().regex(/^(auto(:\d+)?|\d+)$/, 'a number, "auto" or "auto:N"')]).optional(),
  numFewshot: z.number().int().min(0).max(10_000).optional(),
  limit: z.number().positive().max(1e9).optional(),
  /** Seconds between SIGTERM and SIGKILL when the evaluation must stop. */
  killGraceSeconds: z.number().positive().max(600).default(10),
};

export interface SpawnSettings {
  argv: string[];
  env: Record<string, string>;
  tasks?: string[];
  batchSize?: number | string;
  numFewshot?: number;
  limit?: number;
  killGraceSeconds: number;
}

export function settingsPlaceholders(settings: Omit<SpawnSettings, "argv">, runtime: Placeholder[]): Map<Placeholder, string | null> {
  const values = new Map<Placeholder, string | null>(runtime.map((name) => [name, null]));
  if (settings.tasks) values.set("tasks", settings.tasks.join(","));
  if (settings.batchSize !== undefined) values.set("batch_size", String(settings.batchSize));
  if (settings.numFewshot !== undefined) values.set("num_fewshot", String(settings.numFewshot));
  if (settings.limit !== undefined) values.set("limit", String(settings.limit));
  return values;
}

/** Adds zod issues (at settings.argv[i]) for a template that does not compile or lacks a required placeholder. */
export function checkTemplate(
  settings: Omit<SpawnSettings, "argv"> & { argv: string[] },
  runtime: Placeholder[],
  required: Placeholder[],
  context: z.RefinementCtx,
): void {
  const available = new Set(settingsPlaceholders(settings, runtime).keys());
  try {
    const compiled = compileTemplate(settings.argv, available);
    const used = new Set(compiled.flatMap((arg) => arg.flatMap((part) => ("placeholder" in part ? [part.placeholder] : []))));
    for (const name of required) {
      if (!used.has(name)) context.addIssue({ code: "custom", path: ["argv"], message: `the command must use {${name}}` });
    }
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    context.addIssue({ code: "custom", path: ["argv", error.index], message: error.message });
  }
}

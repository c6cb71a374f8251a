import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PmaError } from "../errors";
import { slurmSettingsSchema, toStoredSettings } from "../slurm/settings";
import { parseComposite, type CompositeDefinition } from "./composite";
import { EVALUATOR_KINDS, evaluatorKinds, type EvaluatorDefinition } from "./kinds";
import { isJsonObject, parseStrictJson } from "./strict-json";

/**
 * The evaluator registry. Evaluators are the administrator's: defined in a config file
 * (`$PMA_LAB_EVALUATORS`, else `<dataDir>/evaluators.json`), never by whoever uses the UI — a command template is
 * code that runs on every GPU worker. The UI, the CLI and sweeps pick evaluators by name. The built-in held-out
 * loss always exists, under a reserved name.
 *
 *   {"evaluators": [{"name": "lm-eval-core", "kind": "lm-eval", "gpu": true, "timeoutSeconds": 7200,
 *                    "settings": {"tasks": ["hellaswag", "arc_easy", "mmlu"], "batchSize": "auto"}}]}
 */
export const BUILTIN_EVALUATOR: EvaluatorDefinition = {
  name: "heldout-loss",
  kind: "builtin-loss",
  description: evaluatorKinds["builtin-loss"].description,
  gpu: false,
  timeoutSeconds: 1800,
  settings: {},
  source: "builtin",
};

export const MAX_CONFIG_BYTES = 1024 * 1024;
export const EVALUATOR_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const entrySchema = z
  .object({
    name: z.string().regex(EVALUATOR_NAME_PATTERN, "lower-case letters, digits, '.', '_' or '-' (at most 64)"),
    kind: z.enum(EVALUATOR_KINDS),
    description: z.string().max(500).optional(),
    gpu: z.boolean().default(false),
    /** A week at most: longer is a hung job, not an evaluation. */
    timeoutSeconds: z.number().int().positive().max(7 * 24 * 3600).default(3600),
    settings: z.unknown().default({}),
    /** Overrides slurm.json for this evaluator's jobs on Slurm (lib/slurm/resources.ts). */
    slurm: slurmSettingsSchema.optional(),
  })
  .strict();

const fileSchema = z.object({ evaluators: z.array(z.unknown()).max(200), composites: z.array(z.unknown()).max(100).optional() }).strict();

/** A composite as the config file writes it: `direction` states a component's direction where metrics do not. */
const compositeEntrySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    components: z.array(z.object({ metric: z.string(), weight: z.number(), direction: z.enum(["higher", "lower"]).optional() }).strict()).min(1).max(100),
  })
  .strict();

function configError(source: string, where: string, message: string): PmaError {
  return new PmaError("eval_config_invalid", `${source}: ${where ? `${where}: ` : ""}${message}`, { details: { source, where } });
}

/** zod reports a bad record key as "Invalid key in record" with the reason nested one level down. */
function issueMessage(issue: z.core.$ZodIssue): string {
  const nested = "issues" in issue && Array.isArray(issue.issues) ? (issue.issues as z.core.$ZodIssue[])[0] : undefined;
  return nested ? `${issue.message}: ${nested.message}` : issue.message;
}

function formatPath(parts: PropertyKey[]): string {
  return parts.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`)).join("");
}

/** Parses a config file's text into definitions, the built-in first. Errors name the file and the field. */
export function parseEvaluatorsConfig(text: string, source: string): EvaluatorDefinition[] {
  if (text.length > MAX_CONFIG_BYTES) throw configError(source, "", `larger than ${MAX_CONFIG_BYTES} bytes`);
  const root = parseStrictJson(text, source, "eval_config_invalid");
  const file = fileSchema.safeParse(root);
  if (!file.success) {
    const issue = file.error.issues[0];
    throw configError(source, formatPath(issue.path), `${issue.message} (expected {"evaluators": [...]})`);
  }
  const definitions: EvaluatorDefinition[] = [BUILTIN_EVALUATOR];
  file.data.evaluators.forEach((raw, i) => {
    const label = isJsonObject(raw) && typeof raw.name === "string" ? `evaluators[${i}] (${JSON.stringify(raw.name)})` : `evaluators[${i}]`;
    const entry = entrySchema.safeParse(raw);
    if (!entry.success) {
      const issue = entry.error.issues[0];
      throw configError(source, `${label}${issue.path.length ? "." : ""}${formatPath(issue.path)}`, issueMessage(issue));
    }
    const { name, kind } = entry.data;
    if (definitions.some((d) => d.name === name)) {
      throw configError(source, `${label}.name`, name === BUILTIN_EVALUATOR.name ? `"${name}" is the built-in evaluator's reserved name` : `"${name}" is defined twice`);
    }
    const settings = evaluatorKinds[kind].settings.safeParse(entry.data.settings);
    if (!settings.success) {
      const issue = settings.error.issues[0];
      throw configError(source, `${label}.settings${issue.path.length ? formatPath(issue.path).replace(/^(?!\[)/, ".") : ""}`, issueMessage(issue));
    }
    definitions.push({
      name,
      kind,
      description: entry.data.description ?? evaluatorKinds[kind].description,
      gpu: entry.data.gpu,
      timeoutSeconds: entry.data.timeoutSeconds,
      settings: settings.data,
      source,
      ...(entry.data.slurm ? { slurm: toStoredSettings(entry.data.slurm) } : {}),
    });
  });
  return definitions;
}

/** The config file's composite scores (`{"composites": [{"name", "components": [{"metric", "weight", "direction"?}]}]}`). */
export function parseCompositesConfig(text: string, source: string): CompositeDefinition[] {
  const file = fileSchema.safeParse(parseStrictJson(text, source, "eval_config_invalid"));
  if (!file.success) throw configError(source, formatPath(file.error.issues[0].path), file.error.issues[0].message);
  const names = new Set<string>();
  return (file.data.composites ?? []).map((raw, i) => {
    const entry = compositeEntrySchema.safeParse(raw);
    if (!entry.success) throw configError(source, `composites[${i}]${entry.error.issues[0].path.length ? "." : ""}${formatPath(entry.error.issues[0].path)}`, issueMessage(entry.error.issues[0]));
    if (names.has(entry.data.name)) throw configError(source, `composites[${i}].name`, `"${entry.data.name}" is defined twice`);
    names.add(entry.data.name);
    const components = entry.data.components.map(({ direction, ...c }) => (direction ? { ...c, higherIsBetter: direction === "higher" } : c));
    try {
      return parseComposite({ name: entry.data.name, components });
    } catch (error) {
      throw configError(source, `composites[${i}]`, (error as Error).message);
    }
  });
}

export interface EvaluatorRegistry {
  /** Where the definitions came from (null: no file, only the built-in). */
  file: string | null;
  /** Composite scores defined beside the evaluators, validated at load. */
  composites: CompositeDefinition[];
  list(): EvaluatorDefinition[];
  /** Throws eval_evaluator_unknown, naming the configured ones. */
  get(name: string): EvaluatorDefinition;
}

export function createRegistry(definitions: EvaluatorDefinition[], file: string | null, composites: CompositeDefinition[] = []): EvaluatorRegistry {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  return {
    file,
    composites,
    list: () => [...definitions],
    get(name) {
      const found = byName.get(name);
      if (!found) throw new PmaError("eval_evaluator_unknown", `no evaluator named "${name}" (configured: ${[...byName.keys()].join(", ")})`, { details: { name } });
      return found;
    },
  };
}

/** `$PMA_LAB_EVALUATORS` when set (then the file must exist), else `<dataDir>/evaluators.json` (optional). */
export function evaluatorsConfigPath(dataDir: string, env: Record<string, string | undefined> = process.env): { file: string; required: boolean } {
  const explicit = env.PMA_LAB_EVALUATORS?.trim();
  return explicit ? { file: path.resolve(explicit), required: true } : { file: path.join(dataDir, "evaluators.json"), required: false };
}

/** Reads the administrator's file (read at each call: editing it needs no restart). */
export function loadEvaluators(dataDir: string, env: Record<string, string | undefined> = process.env): EvaluatorRegistry {
  const { file, required } = evaluatorsConfigPath(dataDir, env);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    if (required) throw configError(file, "", "no such file (named by PMA_LAB_EVALUATORS)");
    return createRegistry([BUILTIN_EVALUATOR], null);
  }
  if (!stat.isFile()) throw configError(file, "", "not a regular file");
  if (stat.size > MAX_CONFIG_BYTES) throw configError(file, "", `larger than ${MAX_CONFIG_BYTES} bytes`);
  const text = fs.readFileSync(file, "utf8");
  return createRegistry(parseEvaluatorsConfig(text, file), file, parseCompositesConfig(text, file));
}

import { z } from "zod";
import { isPmaError, PmaError } from "../errors";
import { EMA_FORMS, parseSchemeList, type SchemeSpec } from "../merge/weights";
import { slurmFormFields, slurmSettingsFromForm } from "../slurm/form";
import { slurmSettingsSchema } from "../slurm/settings";
import { pointSelectionSchema, resolveMergePoints, type PointFacts } from "./points";
import type { ParsedSweepRequest } from "./request";
import { parseIntegerList, parseTokenCount, parseTokenList } from "./tokens";

/**
 * The launcher's form as data: what the page sends to preview, launch or append. Grid lists stay text as typed
 * ("3,6", "1M,2M"), so an error can name the field and the item; `buildSweepRequest` turns it into the
 * SweepRequest that the CLI and the API also use.
 */
export const launchFormSchema = z.object({
  run: z.string().trim().min(1, "pick a run").max(200),
  points: pointSelectionSchema,
  n: z.string().max(2_000),
  intervals: z.string().max(2_000),
  schemes: z.object({
    sma: z.boolean(),
    wma: z.boolean(),
    ema: z.boolean(),
    /** EMA smoothing factors, "0.1,0.2". */
    alphas: z.string().max(2_000),
    /** Which reading of the paper's EMA (paper.md §2.3), or both side by side. */
    emaForm: z.enum([...EMA_FORMS, "both"]),
    /** More schemes in the CLI's grammar, e.g. custom:1/2/3. */
    other: z.string().max(2_000),
  }),
  evaluators: z.array(z.string().min(1).max(100)).max(20),
  keep: z.boolean(),
  /** Stand-in tolerance in tokens; blank: 1 % of V. */
  tolerance: z.string().max(64),
  /** Where the sweep's jobs run: the workers, or the Slurm cluster (with these sbatch settings; blank: slurm.json's). */
  executor: z.enum(["local", "slurm"]),
  slurm: z.object(slurmFormFields),
});

export type LaunchForm = z.infer<typeof launchFormSchema>;
export type LaunchField = "run" | "points" | "n" | "intervals" | "schemes" | "evaluators" | "tolerance" | "slurm";

/** A refusal that names the form field to fix. */
export function fieldError(field: LaunchField, error: unknown): PmaError {
  if (isPmaError(error)) return new PmaError(error.code, error.message, { details: { field }, cause: error });
  return new PmaError("launch_field_invalid", String(error), { details: { field } });
}

export function errorField(error: unknown): LaunchField | null {
  const details = isPmaError(error) ? (error.details as { field?: LaunchField } | undefined) : undefined;
  return details?.field ?? null;
}

/** Checks the form's shape (as sent by a client) and names the first bad field. */
export function parseLaunchForm(input: unknown): LaunchForm {
  const parsed = launchFormSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue.path[0] ?? "run") as LaunchField;
  throw new PmaError("launch_form_invalid", `${issue.path.join(".") || "form"}: ${issue.message}`, { details: { field } });
}

/** The schemes ticked, with α and the EMA form, then any typed in the CLI grammar; duplicates dropped. */
export function collectSchemes(schemes: LaunchForm["schemes"]): SchemeSpec[] {
  const chosen: SchemeSpec[] = [];
  if (schemes.sma) chosen.push({ scheme: "sma" });
  if (schemes.wma) chosen.push({ scheme: "wma" });
  if (schemes.ema) {
    const forms = schemes.emaForm === "both" ? EMA_FORMS : [schemes.emaForm];
    const alphas = schemes.alphas.trim() === "" ? [] : schemes.alphas.split(",").map((item) => item.trim());
    if (alphas.length === 0) throw new PmaError("weights_invalid_alpha", "EMA needs at least one α, e.g. 0.1,0.2");
    const tokens = alphas.flatMap((alpha) => forms.map((form) => `ema:${alpha}:${form}`));
    chosen.push(...parseSchemeList(tokens.join(",")));
  }
  if (schemes.other.trim() !== "") chosen.push(...parseSchemeList(schemes.other));
  if (chosen.length === 0) throw new PmaError("schemes_empty", "tick at least one weighting scheme");
  const seen = new Set<string>();
  return chosen.filter((spec) => {
    const key = JSON.stringify(spec);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** The form as a SweepRequest over the run whose facts are given; each error names its field. */
export function buildSweepRequest(form: LaunchForm, facts: PointFacts): ParsedSweepRequest {
  const attempt = <T>(field: LaunchField, run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw fieldError(field, error);
    }
  };
  const points = attempt("points", () => resolveMergePoints(form.points, facts));
  const ns = attempt("n", () => {
    if (form.n.trim() === "") throw new PmaError("invalid_arguments", "type at least one window size N, e.g. 3,6");
    return parseIntegerList(form.n, "N");
  });
  const intervals = attempt("intervals", () => {
    if (form.intervals.trim() === "") throw new PmaError("tokens_invalid", "type at least one interval V, e.g. 1M");
    return parseTokenList(form.intervals, facts.tokensPerStep);
  });
  const schemes = attempt("schemes", () => collectSchemes(form.schemes));
  const slurm = form.executor === "slurm" ? attempt("slurm", () => parseSlurmFields(form.slurm)) : undefined;
  const tolerance = attempt("tolerance", () => (form.tolerance.trim() === "" ? undefined : parseTokenCount(form.tolerance, facts.tokensPerStep)));
  return {
    run: form.run,
    points,
    ns,
    intervals,
    schemes,
    evaluators: [...new Set(form.evaluators)],
    keep: form.keep,
    ...(tolerance === undefined ? {} : { tolerance }),
    ...(slurm === undefined ? {} : { slurm }),
  };
}

function parseSlurmFields(fields: LaunchForm["slurm"]) {
  const parsed = slurmSettingsSchema.safeParse(slurmSettingsFromForm(fields));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new PmaError("slurm_settings_invalid", `Slurm ${issue.path.join(".") || "settings"}: ${issue.message}`);
}

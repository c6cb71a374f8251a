import { z } from "zod";

/**
 * What a weighting scheme is, as data. A spec is stored with every recipe and result, so EMA always records which
 * reading of the paper it used (`form`): the paper's recursion and its closed form give very different weights
 * (paper.md §2.3).
 */
export type SchemeSpec =
  | { scheme: "sma" }
  | { scheme: "wma" }
  | { scheme: "ema"; alpha: number; form: EmaForm }
  | { scheme: "custom"; weights: number[]; normalise: boolean };

export type SchemeName = SchemeSpec["scheme"];
export type EmaForm = "recursive" | "closed";

export const SCHEME_NAMES = ["sma", "wma", "ema", "custom"] as const satisfies readonly SchemeName[];
export const EMA_FORMS = ["recursive", "closed"] as const satisfies readonly EmaForm[];

/**
 * Largest window a weight vector is computed for. The paper's largest is N = 15; 10,000 leaves room for odd
 * experiments while refusing a typo (N = 1e9) before it allocates gigabytes.
 */
export const MAX_WINDOW_SIZE = 10_000;

const smaSchema = z.object({ scheme: z.literal("sma") });
const wmaSchema = z.object({ scheme: z.literal("wma") });
const emaSchema = z.object({
  scheme: z.literal("ema"),
  // α = 1 is allowed (all weight on the newest checkpoint); α = 0 would put none on anything but the oldest.
  alpha: z.number().gt(0).lte(1),
  form: z.enum(EMA_FORMS).default("recursive"),
});
const customSchema = z.object({
  scheme: z.literal("custom"),
  // Any finite numbers: negative entries are legitimate extrapolation experiments; normalising is checked later.
  weights: z.array(z.number()).min(1).max(MAX_WINDOW_SIZE),
  normalise: z.boolean().default(true),
});

/** Validates a spec from a form, the CLI or a stored JSON column; EMA form defaults to the paper's recursion. */
export const schemeSpecSchema = z.discriminatedUnion("scheme", [smaSchema, wmaSchema, emaSchema, customSchema]);

// Compile-time guard: the schema's output must stay exactly the hand-written type above.
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Equal<z.output<typeof schemeSpecSchema>, SchemeSpec> = true;
void schemaMatchesType;

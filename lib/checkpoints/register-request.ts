import { z } from "zod";

/** `warmup:W,stable:S,decay:D` — the step at which each phase ends. */
export const scheduleTextSchema = z
  .string()
  .trim()
  .regex(/^warmup:\d+,stable:\d+(,decay:\d+)?$/, "expected warmup:W,stable:S[,decay:D] (steps at which each phase ends)");

export const runNameSchema = z
  .string()
  .trim()
  .min(1, "a run name is required")
  .max(120, "run names are at most 120 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/ ]*$/, "run names use letters, digits, '.', '_', '-', '/' and spaces")
  // Names are URL paths (/runs/<name>): a "." or ".." segment would be resolved away by the browser.
  .refine((name) => name.split("/").every((segment) => segment.trim() !== "" && segment !== "." && segment !== ".."), "run names have no empty, '.' or '..' parts between slashes");

/** One request to register (or rescan) a run's checkpoint directory: shared by the CLI, the UI form and the API. */
export const registerRequestSchema = z
  .object({
    directory: z.string().trim().min(1, "a directory is required").max(4096),
    run: runNameSchema,
    tokensPerStep: z.coerce.number().int().positive().optional(),
    schedule: scheduleTextSchema.optional(),
    branchOf: runNameSchema.optional(),
    forkTokens: z.coerce.number().int().nonnegative().optional(),
    kind: z.string().trim().max(40).optional(),
    /** PMA-init lineage: a recipe hash (or unique prefix) or a merged checkpoint directory the run resumed from. */
    initFrom: z.string().trim().min(1).max(4096).optional(),
  })
  .refine((value) => (value.branchOf === undefined) === (value.forkTokens === undefined), {
    message: "a branch needs both --branch-of and --fork-tokens",
    path: ["forkTokens"],
  });

export type RegisterRequest = z.infer<typeof registerRequestSchema>;

import { z } from "zod";
import { schemeSpecSchema } from "../merge/weights";

/**
 * The lineage file written into every PMA-init checkpoint (`pma-init.json`, beside `pma-merge.json`): which run,
 * which checkpoints with which weights, why (a spike or a chosen point), and the recipe hash that a run resumed
 * from it is registered with (`pma-lab scan DIR --run NAME --init-from <this directory>`). It travels in the job's
 * payload, so the worker writes exactly what the server planned.
 */
export const LINEAGE_FILE = "pma-init.json";

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest");

export const initAnchorSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("spike"),
    /** 1-based, in the order the run page and `pma-lab spikes` list them. */
    index: z.number().int().positive(),
    startStep: z.number().int(),
    startTokens: z.number().nullable(),
    peakStep: z.number().int(),
    peak: z.number().nullable(),
  }),
  z.object({ kind: z.literal("point"), tokens: z.number().int().min(0) }),
]);

export const lineageSchema = z.object({
  kind: z.literal("pma-lab.pma-init"),
  version: z.literal(1),
  recipeHash: sha256Hex,
  source: z.object({ run: z.string().min(1), runId: z.number().int().positive() }),
  anchor: initAnchorSchema,
  scheme: schemeSpecSchema,
  label: z.string(),
  k: z.number().int().positive(),
  checkpoints: z
    .array(z.object({ checkpointId: z.number().int().positive(), step: z.number().int(), tokens: z.number().nullable(), path: z.string(), identity: z.string(), weight: z.number() }))
    .min(1),
  accumulate: z.enum(["fp32", "fp64"]),
  outputDtype: z.enum(["input", "BF16", "F16", "F32"]),
  /** Where training picks up: the newest merged checkpoint's step and tokens. */
  resumeAt: z.object({ step: z.number().int(), tokens: z.number().nullable() }),
  howToUse: z.string(),
});

export type InitLineage = z.infer<typeof lineageSchema>;
export type InitAnchorRecord = z.infer<typeof initAnchorSchema>;

export function describeUse(source: string, resumeAt: InitLineage["resumeAt"]): string {
  return (
    `Load this directory as the model weights (Hugging Face layout: config, tokenizer and merged safetensors) and ` +
    `resume training of ${source} at step ${resumeAt.step} with a fresh optimizer state; then register the new run with ` +
    "`pma-lab scan <its checkpoint dir> --run <name> --init-from <this directory>` so its lineage is recorded."
  );
}

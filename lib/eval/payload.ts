import { z } from "zod";

/**
 * The `evaluate` job's payload, in its own small module so lib/jobs/kinds.ts can declare it without loading the
 * evaluators. The server plans it (lib/eval/plan.ts); the worker checks it again before running anything.
 */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest");
const serverPath = z.string().min(1).max(4096);

export const evaluateJobPayloadSchema = z
  .object({
    evaluator: z.string().min(1).max(64),
    /** evaluationKey(evaluator, target): what is measured, computed by the server when it plans. */
    key: sha256Hex,
    target: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("checkpoint"), checkpointId: z.number().int().positive(), fingerprint: z.string().min(1), path: serverPath }),
      z.object({ kind: z.literal("merge"), recipeHash: sha256Hex, path: serverPath }),
    ]),
    /** Where the raw outputs are published: always `evals/<key>`. */
    output: z.string(),
  })
  .refine((payload) => payload.output === `evals/${payload.key}`, { path: ["output"], message: "an evaluation's output is evals/<its key>" });

export type EvaluateJobPayload = z.output<typeof evaluateJobPayloadSchema>;

import { z } from "zod";
import { schemeSpecSchema } from "../merge/weights";
import { slurmSettingsSchema } from "../slurm/settings";

/** A sweep as the CLI, the UI's server action and tests submit it: every number already in tokens. */
export const sweepRequestSchema = z.object({
  run: z.string().min(1).max(200),
  points: z.array(z.number().int().min(0)).min(1).max(1_000),
  ns: z.array(z.number().int().min(1)).min(1).max(100),
  intervals: z.array(z.number().int().positive()).min(1).max(100),
  schemes: z.array(schemeSpecSchema).min(1).max(100),
  evaluators: z.array(z.string().min(1).max(100)).max(20).default([]),
  /** Keep every merged model after its evaluations (default: gc may delete them once the sweep is done). */
  keep: z.boolean().default(false),
  /** Tokens either side a stand-in checkpoint may sit; default 1 % of V. */
  tolerance: z.number().min(0).optional(),
  /** Outputs per fused pass. */
  chunkSize: z.number().int().min(1).max(256).optional(),
  /** Run the sweep's jobs on Slurm with these settings (`{}`: slurm.json's defaults); absent: on the workers. */
  slurm: slurmSettingsSchema.optional(),
});

export type SweepRequest = z.input<typeof sweepRequestSchema>;
export type ParsedSweepRequest = z.output<typeof sweepRequestSchema>;

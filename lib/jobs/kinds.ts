import { z } from "zod";
import { evaluateJobPayloadSchema } from "../eval/payload";
import { lineageSchema } from "../init/lineage";
import { LAB_SCALES, type LabScaleName } from "../lab/scales";

/**
 * Every job kind, declared once: its payload schema (checked on enqueue and again by the worker on claim), the
 * slot it needs, and its retry budget. Handlers live in lib/jobs/handlers/ and register per kind; a kind without a
 * handler (evaluate, for now) can be stored and shown but no worker claims it.
 *
 * Still to come with its issue: "report" (exports).
 */

/**
 * Artifact names are data-dir relative and come only from the server's own templates (`merges/<recipe hash>`,
 * `inits/<recipe hash>` for PMA-init checkpoints, `evals/…`, `test/…`).
 */
export const ARTIFACT_NAME_PATTERN = /^(merges|inits|test|evals)\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const artifactName = z.string().regex(ARTIFACT_NAME_PATTERN, "an artifact name like merges/<recipe hash>").refine((name) => !name.includes(".."), "no '..'");

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 hex digest");

/** One streaming pass over `inputs` (oldest first) producing every output: the sweep's weight matrix. */
export const mergePassPayloadSchema = z
  .object({
    runId: z.number().int().positive(),
    sweepId: z.number().int().positive().optional(),
    /** The server's real paths; remote workers map them with --path-map. */
    inputs: z
      .array(
        z.object({
          checkpointId: z.number().int().positive(),
          identity: z.string().min(1),
          /** The registry's fingerprint (lib/checkpoints/fingerprint.ts), checked by the worker before it merges. */
          fingerprint: z.string().min(1).optional(),
          path: z.string().min(1).max(4096),
        }),
      )
      .min(1)
      .max(10_000),
    outputs: z
      .array(
        z.object({
          recipeHash: sha256Hex,
          name: artifactName,
          /** One weight per input (zero where the output does not use it). */
          weights: z.array(z.number().refine(Number.isFinite, "a finite weight")),
          outputDtype: z.enum(["input", "BF16", "F16", "F32"]).default("input"),
        }),
      )
      .min(1)
      .max(256),
    accumulate: z.enum(["fp32", "fp64"]).default("fp32"),
  })
  .superRefine((payload, context) => {
    for (const [i, output] of payload.outputs.entries()) {
      if (output.weights.length !== payload.inputs.length) {
        context.addIssue({ code: "custom", path: ["outputs", i, "weights"], message: `needs ${payload.inputs.length} weights, one per input` });
      }
      if (output.name !== `merges/${output.recipeHash}`) {
        context.addIssue({ code: "custom", path: ["outputs", i, "name"], message: "a merge output is named merges/<its recipe hash>" });
      }
    }
  });

/**
 * PMA-init: one merge of the last k checkpoints before a spike or a chosen point, published as a ready-to-resume
 * checkpoint `inits/<recipe hash>` with its lineage file. Kept until deleted by hand (gc never collects it).
 */
export const pmaInitPayloadSchema = z
  .object({
    runId: z.number().int().positive(),
    recipeHash: sha256Hex,
    name: artifactName,
    /** Oldest first; the server's real paths. */
    inputs: z
      .array(z.object({ checkpointId: z.number().int().positive(), identity: z.string().min(1), path: z.string().min(1).max(4096) }))
      .min(1)
      .max(64),
    weights: z.array(z.number().refine(Number.isFinite, "a finite weight")),
    outputDtype: z.enum(["input", "BF16", "F16", "F32"]).default("input"),
    accumulate: z.enum(["fp32", "fp64"]).default("fp32"),
    lineage: lineageSchema,
  })
  .superRefine((payload, context) => {
    if (payload.name !== `inits/${payload.recipeHash}`) context.addIssue({ code: "custom", path: ["name"], message: "a PMA-init output is named inits/<its recipe hash>" });
    if (payload.weights.length !== payload.inputs.length) context.addIssue({ code: "custom", path: ["weights"], message: `needs ${payload.inputs.length} weights, one per input` });
    if (payload.lineage.recipeHash !== payload.recipeHash) context.addIssue({ code: "custom", path: ["lineage", "recipeHash"], message: "the lineage names another recipe" });
  });

/** Queue tests and benchmarks: sleep, optionally fail, publish a small file, or (test builds only) crash. */
export const noopPayloadSchema = z.object({
  sleepMs: z.number().int().min(0).max(600_000).default(0),
  fail: z.object({ code: z.string().min(1), message: z.string(), permanent: z.boolean() }).optional(),
  /** Publishes `test/<name>` holding this many bytes, through the same fenced path as merges. */
  publish: z.object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), bytes: z.number().int().min(0).max(64 << 20) }).optional(),
  /** Kills the worker process (SIGKILL) mid-job; honoured only when PMA_LAB_TEST_JOBS=1. */
  crash: z.boolean().optional(),
});

/**
 * Trains the reference lab (lib/lab) under the data dir, registering its runs as checkpoints appear; resumes
 * from the last complete checkpoints. `demoSweep`: on success, create the default demo sweep over its main run
 * (once), so the follow-up survives a server restart. `tiny` is a test scale, honoured only with PMA_LAB_TEST_JOBS=1.
 */
export const labTrainPayloadSchema = z.object({
  scale: z.enum(Object.keys(LAB_SCALES) as [LabScaleName, ...LabScaleName[]]),
  dir: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,3}$/, "a data-dir relative path like lab/demo")
    .refine((dir) => !dir.split("/").includes(".."), "no '..'"),
  demoSweep: z.boolean().default(false),
});

/** One evaluator on one model (lib/eval/payload.ts); the worker runs only evaluators from its own config. */
export const evaluatePayloadSchema = evaluateJobPayloadSchema;

export type SlotClass = "cpu" | "gpu";

export interface JobKindDefinition<S extends z.ZodType = z.ZodType> {
  payload: S;
  /** cpu: runs on the worker's CPU slots (merges are I/O bound); gpu: one per GPU, CPU slots where there is none. */
  slot: SlotClass;
  maxAttempts: number;
  description: string;
  /** Needs the server's database and disk (registers runs directly): never claimed by remote (HTTP) workers. */
  localOnly?: boolean;
  /** Uses every core itself: claimed only when all the worker's CPU slots are idle, and holds them all. */
  exclusive?: boolean;
}

export const jobKinds = {
  merge: { payload: mergePassPayloadSchema, slot: "cpu", maxAttempts: 3, description: "merge one recipe" },
  "sweep-pass": { payload: mergePassPayloadSchema, slot: "cpu", maxAttempts: 3, description: "fused pass: many recipes over one read of their checkpoints" },
  "pma-init": { payload: pmaInitPayloadSchema, slot: "cpu", maxAttempts: 3, description: "merge the last k checkpoints into a ready-to-resume checkpoint (PMA-init)" },
  evaluate: { payload: evaluatePayloadSchema, slot: "gpu", maxAttempts: 3, description: "evaluate a model with a configured evaluator" },
  noop: { payload: noopPayloadSchema, slot: "cpu", maxAttempts: 3, description: "does nothing (queue tests and benchmarks)" },
  "lab-train": {
    payload: labTrainPayloadSchema,
    slot: "cpu",
    maxAttempts: 5,
    description: "train the reference lab and register its runs",
    localOnly: true,
    exclusive: true,
  },
} as const satisfies Record<string, JobKindDefinition>;

export type JobKind = keyof typeof jobKinds;
export type JobPayload<K extends JobKind> = z.output<(typeof jobKinds)[K]["payload"]>;
/** What callers may pass on enqueue (defaults not yet applied). */
export type JobPayloadInput<K extends JobKind> = z.input<(typeof jobKinds)[K]["payload"]>;
export type MergePassPayload = z.output<typeof mergePassPayloadSchema>;
export type PmaInitPayload = z.output<typeof pmaInitPayloadSchema>;
export type NoopPayload = z.output<typeof noopPayloadSchema>;
export type LabTrainPayload = z.output<typeof labTrainPayloadSchema>;

export const JOB_KINDS = Object.keys(jobKinds) as JobKind[];

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(jobKinds, kind);
}

/** Kinds that only a local worker (on the server's own database and disk) may run; the HTTP API never hands them out. */
export function isLocalOnlyKind(kind: string): boolean {
  return isJobKind(kind) && Boolean((jobKinds[kind] as JobKindDefinition).localOnly);
}

import { z } from "zod";

/** Request bodies of the worker API (app/api/worker/<action>), shared by the routes and the HTTP transport. */

const id = z.number().int().positive();
const leaseToken = z.string().min(1).max(200);
const leaseMs = z.number().int().min(1).max(86_400_000);

const gpu = z.object({ index: z.number().int().min(0), name: z.string().max(200), memory: z.number().min(0) });

export const workerApiSchemas = {
  register: z.object({
    name: z.string().min(1).max(200),
    host: z.string().min(1).max(255),
    pid: z.number().int().nullable(),
    cpus: z.number().int().min(1).max(100_000),
    memory: z.number().min(0),
    gpus: z.array(gpu).max(1024),
    slots: z.object({ cpu: z.number().int().min(0).max(1024), gpus: z.array(z.number().int().min(0)).max(1024) }),
    heartbeatEveryMs: z.number().int().min(1).max(86_400_000),
  }),
  "worker-heartbeat": z.object({ workerId: id }),
  stop: z.object({ workerId: id }),
  claim: z.object({ workerId: id, kinds: z.array(z.string().max(64)).max(64), leaseMs }),
  "claim-job": z.object({ workerId: id, jobId: id, leaseMs }),
  heartbeat: z.object({ jobId: id, leaseToken, leaseMs, workerId: id.optional() }),
  progress: z.object({
    jobId: id,
    leaseToken,
    progress: z.object({
      phase: z.string().max(100),
      bytesDone: z.number().min(0).optional(),
      bytesTotal: z.number().min(0).optional(),
      rate: z.number().min(0).optional(),
      etaSeconds: z.number().min(0).optional(),
      outputsDone: z.number().int().min(0).optional(),
      outputsTotal: z.number().int().min(0).optional(),
      message: z.string().max(2000).optional(),
    }),
  }),
  log: z.object({ jobId: id, leaseToken, text: z.string().max(1 << 20) }),
  metrics: z.object({
    jobId: id,
    leaseToken,
    metrics: z
      .array(
        z.object({
          name: z.string().min(1).max(200),
          value: z.number(),
          stderr: z.number().nullable().default(null),
          n: z.number().nullable().default(null),
          higherIsBetter: z.boolean().nullable().default(null),
        }),
      )
      .min(1)
      .max(1000),
  }),
  publish: z.object({
    jobId: id,
    leaseToken,
    name: z.string().min(1).max(300),
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    files: z.array(z.string().min(1).max(500)).max(100_000),
  }),
  complete: z.object({ jobId: id, leaseToken, result: z.unknown() }),
  fail: z.object({
    jobId: id,
    leaseToken,
    error: z.object({ code: z.string().min(1).max(100), message: z.string().max(10_000), permanent: z.boolean() }),
  }),
  release: z.object({ jobId: id, leaseToken }),
} as const;

export type WorkerAction = keyof typeof workerApiSchemas;
export type WorkerApiRequest<A extends WorkerAction> = z.output<(typeof workerApiSchemas)[A]>;

export function isWorkerAction(action: string): action is WorkerAction {
  return Object.hasOwn(workerApiSchemas, action);
}

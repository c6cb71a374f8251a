import type { SbatchRequest, SlurmSettings } from "../../db/schema";
import { layerSettings } from "./settings";

/**
 * What one job asks of Slurm. Settings win field by field in this order: the sweep's or job's own (CLI flags, the
 * launcher), the evaluator's `slurm` block, slurm.json's per-kind block, slurm.json's defaults. What none of them
 * sets comes from the job's estimate:
 *
 * - merges (merge, sweep-pass): 4 CPUs; 2 GiB + 32 MiB per output (the fused executor streams by tensor range, so
 *   memory does not grow with the model: 252 MiB for 16 outputs of 256 MiB checkpoints in the benchmark); time
 *   10 min + twice the time to read every input and write every output at 100 MB/s.
 * - evaluations: 1 GPU when the evaluator says `gpu: true`; 8 CPUs and 32 GiB with a GPU, else 4 and 8 GiB; time
 *   = the evaluator's own timeout + 10 min, so the evaluator's timeout fires first and reports why.
 * - anything else: 1 CPU, 1 GiB, 10 min.
 */

export interface JobForRequest {
  kind: string;
  payload: unknown;
  /** Bytes the job writes (jobs.estimated_bytes). */
  estimatedBytes: number;
}

export interface EvaluatorForRequest {
  gpu: boolean;
  timeoutSeconds: number;
  slurm?: SlurmSettings;
}

export interface RequestLayers {
  defaults?: SlurmSettings;
  kind?: SlurmSettings;
  evaluator?: EvaluatorForRequest;
  target?: SlurmSettings;
}

const THROUGHPUT = 100e6;

export function estimateRequest(job: JobForRequest, evaluator?: EvaluatorForRequest): Required<Pick<SlurmSettings, "cpus" | "memMiB" | "gpus" | "timeMinutes">> {
  if (job.kind === "merge" || job.kind === "sweep-pass") {
    const payload = job.payload as { inputs?: unknown[]; outputs?: unknown[] };
    const outputs = Math.max(1, payload.outputs?.length ?? 1);
    const inputs = Math.max(1, payload.inputs?.length ?? 1);
    // One output is about one model; each input checkpoint is about one model too.
    const modelBytes = job.estimatedBytes / outputs;
    const bytes = modelBytes * inputs + job.estimatedBytes;
    return { cpus: 4, memMiB: 2048 + 32 * outputs, gpus: 0, timeMinutes: 10 + Math.ceil((2 * bytes) / THROUGHPUT / 60) };
  }
  if (job.kind === "evaluate") {
    const gpu = evaluator?.gpu ?? false;
    return { cpus: gpu ? 8 : 4, memMiB: gpu ? 32 * 1024 : 8 * 1024, gpus: gpu ? 1 : 0, timeMinutes: Math.ceil((evaluator?.timeoutSeconds ?? 3600) / 60) + 10 };
  }
  return { cpus: 1, memMiB: 1024, gpus: 0, timeMinutes: 10 };
}

/** The fully resolved request for one job (pure). */
export function resolveRequest(job: JobForRequest, layers: RequestLayers): SbatchRequest {
  const estimate = estimateRequest(job, layers.evaluator);
  const settings = layerSettings(estimate, layers.defaults, layers.kind, layers.evaluator?.slurm, layers.target);
  return {
    ...(settings.partition ? { partition: settings.partition } : {}),
    ...(settings.account ? { account: settings.account } : {}),
    ...(settings.qos ? { qos: settings.qos } : {}),
    timeMinutes: settings.timeMinutes!,
    cpus: settings.cpus!,
    memMiB: settings.memMiB!,
    gpus: settings.gpus!,
    ...(settings.gpuType && settings.gpus! > 0 ? { gpuType: settings.gpuType } : {}),
    extra: settings.extra ?? [],
  };
}

import packageJson from "../../../package.json";
import type { ExecutionPlan } from "./plan";
import type { OpenedCheckpoint } from "../../safetensors/checkpoint";

/**
 * The provenance manifest written next to every merged model (`pma-merge.json`): what was merged, with which
 * weights and arithmetic, by which software, from which files, and what came out.
 */
export const MANIFEST_FILE = "pma-merge.json";

export const ARITHMETIC =
  "float64 sum of w·x over inputs with non-zero weight, oldest first, starting from -0; rounded once to the output dtype, to nearest, ties to even; NaN canonical";

export const SHA256_SCHEME = "single file: sha256 of model.safetensors; sharded: sha256 of the lines \"<file>\\t<sha256>\\n\" in file order";

export interface ManifestFacts {
  plan: ExecutionPlan;
  output: number;
  inputs: OpenedCheckpoint[];
  inputIds: (string | null)[];
  outputDtype: string;
  files: { name: string; bytes: number; sha256: string }[];
  sha256: string;
  copied: string[];
  bytesRead: number;
  startedAt: number;
  finishedAt: number;
  context?: Record<string, unknown>;
}

export function buildManifest(f: ManifestFacts): Record<string, unknown> {
  const out = f.plan.outputs[f.output];
  const dtypeCounts: Record<string, number> = {};
  for (const t of f.plan.tensors) {
    const key = t.mergeable ? `${t.dtype}→${t.outDtypes[f.output]}` : `${t.dtype} (copied)`;
    dtypeCounts[key] = (dtypeCounts[key] ?? 0) + 1;
  }
  return {
    kind: "pma-lab.merge",
    version: 1,
    software: { name: packageJson.name, version: packageJson.version, kernel: "wasm-simd" },
    recipe: {
      weights: out.weights,
      outputDtype: f.outputDtype,
      arithmetic: ARITHMETIC,
      tensors: dtypeCounts,
      nonFloatTensors: "copied from the newest input; refused unless identical across the inputs",
    },
    inputs: f.inputs.map((c, i) => ({
      dir: c.dir,
      weight: out.weights[i],
      identity: f.inputIds[i] ?? null,
      files: c.shards.map((s) => ({ name: s.filePath.slice(c.dir.length).replace(/^[\\/]+/, ""), bytes: s.fileSize })),
    })),
    newestInput: f.inputs[out.newest].dir,
    output: { files: f.files, sha256: f.sha256, sha256Scheme: SHA256_SCHEME, copiedFromNewest: f.copied },
    bytes: { read: f.bytesRead, written: f.files.reduce((s, x) => s + x.bytes, 0) },
    timings: { startedAt: new Date(f.startedAt).toISOString(), finishedAt: new Date(f.finishedAt).toISOString(), seconds: (f.finishedAt - f.startedAt) / 1000 },
    ...(f.context ? { context: f.context } : {}),
  };
}

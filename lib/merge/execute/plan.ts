import { PmaError } from "../../errors";
import type { OpenedCheckpoint } from "../../safetensors/checkpoint";
import { DTYPE_SIZES, type Dtype, isMergeableDtype } from "../../safetensors/dtypes";
import { TILE_ELEMENTS } from "../kernel/dtypes";
import type { MergeOutputSpec } from "./types";

/**
 * The pure execution plan: which tensors, in which order, cut into which chunks, written to which files.
 * Inputs are the already-opened (validated) checkpoints that some output uses, oldest first.
 */
export interface PlannedTensor {
  name: string;
  shape: number[];
  dtype: Dtype;
  numel: number;
  /** Float tensors are averaged; anything else is copied from the newest input, if identical across inputs. */
  mergeable: boolean;
  /** Per input: shard file and absolute offset of the tensor's first byte. */
  sources: { shardPath: string; offset: number }[];
  /** Per output: the dtype it is written in. */
  outDtypes: Dtype[];
}

export interface PlannedChunk {
  tensor: number;
  /** First element and element count; count is 0 only for an empty tensor. */
  begin: number;
  count: number;
  last: boolean;
}

export interface PlannedFile {
  name: string;
  tensors: number[];
}

export interface PlannedOutput {
  /** One per input of the plan. */
  weights: number[];
  /** The newest input with a non-zero weight: non-float tensors and the config files come from it. */
  newest: number;
  files: PlannedFile[];
}

export interface ExecutionPlan {
  tensors: PlannedTensor[];
  chunks: PlannedChunk[];
  outputs: PlannedOutput[];
  chunkElements: number;
  /** Widest input and output element sizes (every chunk buffer is sized for them). */
  inWidth: number;
  outWidth: number;
}

export const SINGLE_FILE = "model.safetensors";

/** `chunkElements` gets the widest input and output element sizes and returns elements per chunk. */
export function planExecution(
  inputs: OpenedCheckpoint[],
  specs: MergeOutputSpec[],
  weights: number[][],
  chunkElements: (inWidth: number, outWidth: number) => number,
): ExecutionPlan {
  const first = inputs[0];
  // File order of the first input (shard, then offset): reads then sweep each file front to back.
  const shardRank = new Map(first.shards.map((s, i) => [s.filePath, i]));
  const ordered = [...first.tensors].sort((a, b) => shardRank.get(a.shardPath)! - shardRank.get(b.shardPath)! || a.dataOffset - b.dataOffset);
  const tensors: PlannedTensor[] = ordered.map((t) => {
    const dtype = t.info.dtype;
    const mergeable = isMergeableDtype(dtype);
    return {
      name: t.name,
      shape: [...t.info.shape],
      dtype,
      numel: t.info.numel,
      mergeable,
      sources: inputs.map((c) => {
        const own = c.byName.get(t.name)!;
        return { shardPath: own.shardPath, offset: own.dataOffset };
      }),
      outDtypes: specs.map((s) => (mergeable && s.outputDtype && s.outputDtype !== "input" ? s.outputDtype : dtype)),
    };
  });
  const inWidth = Math.max(2, ...tensors.map((t) => DTYPE_SIZES[t.dtype]));
  const outWidth = Math.max(2, ...tensors.flatMap((t) => t.outDtypes.map((d) => DTYPE_SIZES[d])));
  const elements = Math.max(TILE_ELEMENTS, Math.floor(chunkElements(inWidth, outWidth) / TILE_ELEMENTS) * TILE_ELEMENTS);
  const chunks: PlannedChunk[] = [];
  tensors.forEach((t, index) => {
    if (t.numel === 0) chunks.push({ tensor: index, begin: 0, count: 0, last: true });
    for (let begin = 0; begin < t.numel; begin += elements) {
      const count = Math.min(elements, t.numel - begin);
      chunks.push({ tensor: index, begin, count, last: begin + count === t.numel });
    }
  });
  const outputs = specs.map((spec, k) => ({
    weights: weights[k],
    newest: lastNonZero(weights[k]),
    files: spec.outDir ? planFiles(tensors, k, spec.shardBytes) : [],
  }));
  return {
    tensors,
    chunks,
    outputs,
    chunkElements: elements,
    inWidth,
    outWidth,
  };
}

function lastNonZero(weights: number[]): number {
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i] !== 0) return i;
  throw new PmaError("merge_weights_invalid", "an output has no non-zero weight");
}

/** HF layout: one model.safetensors, or shards of at most shardBytes named model-0000i-of-0000n.safetensors. */
export function planFiles(tensors: PlannedTensor[], output: number, shardBytes?: number): PlannedFile[] {
  const groups: number[][] = [[]];
  let size = 0;
  tensors.forEach((t, index) => {
    const bytes = t.numel * DTYPE_SIZES[t.outDtypes[output]];
    const current = groups[groups.length - 1];
    if (shardBytes !== undefined && current.length > 0 && size + bytes > shardBytes) {
      groups.push([index]);
      size = bytes;
    } else {
      current.push(index);
      size += bytes;
    }
  });
  if (groups.length === 1) return [{ name: SINGLE_FILE, tensors: groups[0] }];
  const pad = (n: number) => String(n).padStart(5, "0");
  return groups.map((g, i) => ({ name: `model-${pad(i + 1)}-of-${pad(groups.length)}.safetensors`, tensors: g }));
}

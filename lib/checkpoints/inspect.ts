import fs from "node:fs/promises";
import path from "node:path";
import { describeCheckpoint, openCheckpoint } from "../safetensors/checkpoint";
import { readSafetensorsHeader } from "../safetensors/file";
import { DTYPE_SIZES } from "../safetensors/dtypes";
import { resolveAllowedPath } from "./paths";

export interface InspectResult {
  path: string;
  format: string;
  params: number;
  bytes: number;
  dtypes: string[];
  shards: { file: string; bytes: number; tensors: number }[];
  tensors: { name: string; dtype: string; shape: number[]; bytes: number }[];
}

/** Validates a safetensors file or a checkpoint directory (inside the roots) and describes it. */
export async function inspectPath(target: string, roots: string[]): Promise<InspectResult> {
  const real = await resolveAllowedPath(target, roots);
  const stat = await fs.stat(real);
  if (stat.isDirectory()) return { path: real, ...describeCheckpoint(await openCheckpoint(real)) };
  const file = await readSafetensorsHeader(real);
  const tensors = [...file.tensors]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((tensor) => ({ name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: tensor.numel * DTYPE_SIZES[tensor.dtype] }));
  return {
    path: real,
    format: "safetensors",
    params: tensors.reduce((sum, tensor) => sum + tensor.shape.reduce((product, size) => product * size, 1), 0),
    bytes: file.fileSize,
    dtypes: [...new Set(tensors.map((tensor) => tensor.dtype))].sort(),
    shards: [{ file: path.basename(real), bytes: file.fileSize, tensors: tensors.length }],
    tensors,
  };
}

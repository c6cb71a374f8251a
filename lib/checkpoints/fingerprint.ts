import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { OpenedCheckpoint } from "../safetensors/checkpoint";

/**
 * A cheap identity taken at scan time without reading the weights: every shard's name, size, modification time
 * and header layout. It changes when a file is rewritten; the full sha256 (`hashCheckpoint`) proves content.
 */
export async function fingerprintCheckpoint(checkpoint: OpenedCheckpoint): Promise<string> {
  const hash = createHash("sha256");
  for (const shard of checkpoint.shards) {
    const stat = await fs.stat(shard.filePath);
    hash.update(`${path.basename(shard.filePath)}\t${stat.size}\t${stat.mtimeMs}\n`);
    for (const tensor of shard.tensors) hash.update(`${tensor.name}\t${tensor.dtype}\t${tensor.shape.join("x")}\t${tensor.begin}\n`);
  }
  return `fp:${hash.digest("hex").slice(0, 32)}`;
}

/** The tensor signature two checkpoints of one run must share to be mergeable: names, dtypes and shapes. */
export function tensorSignature(checkpoint: OpenedCheckpoint): string {
  return checkpoint.tensors.map((tensor) => `${tensor.name}:${tensor.info.dtype}:${tensor.info.shape.join("x")}`).join("\n");
}

/** A short, human-readable summary of how two signatures differ (first few tensors). */
export function diffSignatures(expected: OpenedCheckpoint, actual: OpenedCheckpoint, limit = 3): string {
  const differences: string[] = [];
  for (const tensor of expected.tensors) {
    const other = actual.byName.get(tensor.name);
    if (!other) differences.push(`${tensor.name} is missing`);
    else if (other.info.dtype !== tensor.info.dtype) differences.push(`${tensor.name} is ${other.info.dtype}, expected ${tensor.info.dtype}`);
    else if (other.info.shape.join("x") !== tensor.info.shape.join("x")) {
      differences.push(`${tensor.name} has shape [${other.info.shape}], expected [${tensor.info.shape}]`);
    }
  }
  for (const tensor of actual.tensors) if (!expected.byName.has(tensor.name)) differences.push(`${tensor.name} is unexpected`);
  const shown = differences.slice(0, limit).join("; ");
  return differences.length > limit ? `${shown}; and ${differences.length - limit} more` : shown;
}

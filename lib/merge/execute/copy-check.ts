import { createHash } from "node:crypto";
import { DTYPE_SIZES } from "../../safetensors/dtypes";
import type { InputReader } from "./input-reader";
import type { ExecutionPlan } from "./plan";
import type { TensorDiff } from "./validate";

/**
 * Non-float tensors (integers, bools, FP8 codes) cannot be averaged; an output may copy one from its newest
 * input only if every input it uses holds the same bytes. Checked before any output is created, by hashing
 * each input's copy in bounded chunks.
 */
const CHECK_CHUNK_BYTES = 4 * 1024 * 1024;

export async function checkCopiedTensors(plan: ExecutionPlan, reader: InputReader, inputDirs: string[]): Promise<TensorDiff[]> {
  const diffs: TensorDiff[] = [];
  const buffer = new Uint8Array(CHECK_CHUNK_BYTES);
  for (const t of plan.tensors) {
    if (t.mergeable) continue;
    const users = plan.outputs.map((o) => o.weights.flatMap((w, i) => (w === 0 ? [] : [i])));
    if (users.every((u) => u.length <= 1)) continue;
    const length = t.numel * DTYPE_SIZES[t.dtype];
    const digests: string[] = [];
    for (const src of t.sources) {
      const hash = createHash("sha256");
      for (let at = 0; at < length; at += CHECK_CHUNK_BYTES) {
        const part = buffer.subarray(0, Math.min(CHECK_CHUNK_BYTES, length - at));
        await reader.read(src.shardPath, src.offset + at, part);
        hash.update(part);
      }
      digests.push(hash.digest("hex"));
    }
    const clash = users.find((u) => new Set(u.map((i) => digests[i])).size > 1);
    if (clash) diffs.push({ tensor: t.name, kind: "contents", dtype: t.dtype, inputs: clash.map((i) => inputDirs[i]) });
  }
  return diffs;
}

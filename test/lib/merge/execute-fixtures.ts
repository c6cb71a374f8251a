import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TensorSpec } from "../../../lib/safetensors/writer";
import { openCheckpoint } from "../../../lib/safetensors/checkpoint";
import { makeTempDir, mulberry32, writeCheckpoint } from "../../helpers/checkpoint-fixtures";

/**
 * Tiny checkpoints for the executor tests: a Llama-like bf16 model with f32 norms, an odd-sized tensor bigger
 * than a chunk (so chunks, thread splits and read slices all have ragged ends), and an integer tensor.
 */
export function mixedSpecs(): TensorSpec[] {
  return [
    { name: "model.embed_tokens.weight", dtype: "BF16", shape: [64, 16] },
    { name: "model.layers.0.self_attn.q_proj.weight", dtype: "BF16", shape: [16, 16] },
    { name: "model.layers.0.input_layernorm.weight", dtype: "F32", shape: [16] },
    { name: "model.layers.0.mlp.big.weight", dtype: "BF16", shape: [300_001] },
    { name: "model.norm.weight", dtype: "F32", shape: [16] },
    { name: "model.position_ids", dtype: "I64", shape: [7] },
    { name: "lm_head.weight", dtype: "F16", shape: [64, 16] },
    { name: "model.empty", dtype: "BF16", shape: [0, 4] },
  ];
}

/** Float values depend on (seed, name, index); the integer tensor is the same in every checkpoint unless `intSeed`. */
export function fillFor(seed: number, intSeed = 0) {
  return (name: string, index: number): number => {
    if (name === "model.position_ids") return index + intSeed;
    const r = mulberry32((seed * 7919 + index * 31 + name.length) >>> 0)();
    return (r * 2 - 1) * 0.05;
  };
}

const roots: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs (call it in afterAll). */
export function tempRoot(prefix = "pma-exec-"): string {
  const root = makeTempDir(prefix);
  roots.push(root);
  return root;
}

export function removeTempDirs(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

export async function makeInputs(count: number, opts: { shards?: number[]; intSeeds?: number[] } = {}): Promise<{ root: string; dirs: string[] }> {
  const root = tempRoot();
  const dirs: string[] = [];
  for (let i = 0; i < count; i++) {
    dirs.push(
      await writeCheckpoint(join(root, `ckpt-${i}`), {
        tensors: mixedSpecs(),
        fill: fillFor(i + 1, opts.intSeeds?.[i] ?? 0),
        shards: opts.shards?.[i] ?? 1,
        config: { step: i },
        extraFiles: { "tokenizer.json": `{"version": ${i}}`, "README.md": "not copied" },
      }),
    );
  }
  return { root, dirs };
}

/** Tensor name → raw bytes of a checkpoint directory (single file or shards). */
export async function readTensors(dir: string): Promise<Map<string, Uint8Array>> {
  const c = await openCheckpoint(dir);
  const out = new Map<string, Uint8Array>();
  for (const t of c.tensors) {
    const file = readFileSync(t.shardPath);
    out.set(t.name, new Uint8Array(file.subarray(t.dataOffset, t.dataOffset + t.info.end - t.info.begin)));
  }
  return out;
}

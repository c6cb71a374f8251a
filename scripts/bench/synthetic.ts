import { mkdir, writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { SafetensorsWriter, type TensorSpec } from "../../lib/safetensors/writer";

/**
 * Synthetic bf16 checkpoints in the Llama layout for the merge benchmark. The hidden size grows with the
 * square root of the requested size (1024 at 256 MiB), so bigger checkpoints also have bigger tensors; the
 * layer count fills the rest. Values are small normal bf16 numbers, and consecutive checkpoints differ only
 * in low mantissa bits, like a slowly drifting training run.
 */
const VOCAB = 32000;

export function benchTensorSpecs(sizeMiB: number): TensorSpec[] {
  const hidden = Math.max(128, Math.round((1024 * Math.sqrt(sizeMiB / 256)) / 128) * 128);
  const inter = Math.round((hidden * 8) / 3 / 256) * 256;
  const perLayer = 2 * (4 * hidden * hidden + 3 * hidden * inter + 2 * hidden);
  const fixed = 2 * (2 * VOCAB * hidden + hidden);
  const layers = Math.max(1, Math.round((sizeMiB * 2 ** 20 - fixed) / perLayer));
  const specs: TensorSpec[] = [{ name: "model.embed_tokens.weight", dtype: "BF16", shape: [VOCAB, hidden] }];
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    for (const proj of ["q", "k", "v", "o"]) specs.push({ name: `${p}.self_attn.${proj}_proj.weight`, dtype: "BF16", shape: [hidden, hidden] });
    specs.push({ name: `${p}.mlp.gate_proj.weight`, dtype: "BF16", shape: [inter, hidden] });
    specs.push({ name: `${p}.mlp.up_proj.weight`, dtype: "BF16", shape: [inter, hidden] });
    specs.push({ name: `${p}.mlp.down_proj.weight`, dtype: "BF16", shape: [hidden, inter] });
    specs.push({ name: `${p}.input_layernorm.weight`, dtype: "BF16", shape: [hidden] });
    specs.push({ name: `${p}.post_attention_layernorm.weight`, dtype: "BF16", shape: [hidden] });
  }
  specs.push({ name: "model.norm.weight", dtype: "BF16", shape: [hidden] });
  specs.push({ name: "lm_head.weight", dtype: "BF16", shape: [VOCAB, hidden] });
  return specs;
}

const PIECE_ELEMENTS = 2 * 1024 * 1024;

/** Writes `count` checkpoints ckpt-0 … (oldest first) unless an identical set is already there. */
export async function ensureCheckpoints(dir: string, count: number, sizeMiB: number): Promise<string[]> {
  const specs = benchTensorSpecs(sizeMiB);
  const stamp = JSON.stringify({ version: 1, count, sizeMiB, tensors: specs.length });
  const dirs = Array.from({ length: count }, (_, i) => join(dir, `ckpt-${i}`));
  const stampFile = join(dir, "bench-checkpoints.json");
  if ((await readFile(stampFile, "utf8").catch(() => "")) === stamp) return dirs;
  await mkdir(dir, { recursive: true });
  const piece = new Uint16Array(PIECE_ELEMENTS);
  for (const [c, ckptDir] of dirs.entries()) {
    await mkdir(ckptDir, { recursive: true });
    const writer = await SafetensorsWriter.create(join(ckptDir, "model.safetensors"), specs, { format: "pt" });
    for (const [t, spec] of specs.entries()) {
      const numel = spec.shape.reduce((a, b) => a * b, 1);
      for (let at = 0; at < numel; at += PIECE_ELEMENTS) {
        const n = Math.min(PIECE_ELEMENTS, numel - at);
        fillValues(piece, n, t * 7919 + at, c);
        await writer.write(new Uint8Array(piece.buffer, 0, n * 2));
      }
    }
    await writer.finish({ fsync: false });
    const hidden = specs[0].shape[1];
    const config = { architectures: ["LlamaForCausalLM"], model_type: "llama", hidden_size: hidden, vocab_size: VOCAB, torch_dtype: "bfloat16" };
    await writeFile(join(ckptDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  }
  await writeFile(stampFile, stamp);
  return dirs;
}

/** bf16 values ±[2^-7, 2^-3): sign, exponent and top mantissa bits from the position; checkpoint c perturbs the low 3 bits. */
function fillValues(out: Uint16Array, n: number, seed: number, checkpoint: number): void {
  let base = (seed * 2654435761 + 1) >>> 0 || 1;
  let drift = (base ^ Math.imul(checkpoint + 1, 0x9e3779b1)) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    base ^= base << 13;
    base ^= base >>> 17;
    base ^= base << 5;
    drift ^= drift << 13;
    drift ^= drift >>> 17;
    drift ^= drift << 5;
    const sign = base & 0x8000;
    const exponent = (0x78 + ((base >>> 8) & 3)) << 7;
    out[i] = sign | exponent | (base & 0x78) | (drift & 7);
  }
}

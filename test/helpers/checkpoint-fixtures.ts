import { mkdtempSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { DTYPE_SIZES, type Dtype, isMergeableDtype } from "../../lib/safetensors/dtypes";
import { encodeFloats } from "../../lib/safetensors/float-codec";
import { formatShardIndex } from "../../lib/safetensors/shard-index";
import { SafetensorsWriter, type TensorSpec } from "../../lib/safetensors/writer";
import { hashName, mulberry32 } from "../../lib/random";

/**
 * Tiny real checkpoints for everyone's tests: real safetensors files in HF layout, with deterministic
 * values, so tests exercise the same code paths as production instead of mocks. Keep this API stable.
 */
export { encodeFloats, decodeFloats } from "../../lib/safetensors/float-codec";

export function makeTempDir(prefix = "pma-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface LlamaOptions {
  layers?: number;
  hidden?: number;
  intermediate?: number;
  vocab?: number;
  dtype?: Dtype;
}

export function llamaTensorSpecs(opts: LlamaOptions = {}): TensorSpec[] {
  const { layers = 2, hidden = 16, intermediate = 32, vocab = 64, dtype = "BF16" } = opts;
  const specs: TensorSpec[] = [{ name: "model.embed_tokens.weight", dtype, shape: [vocab, hidden] }];
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    for (const proj of ["q", "k", "v", "o"]) specs.push({ name: `${p}.self_attn.${proj}_proj.weight`, dtype, shape: [hidden, hidden] });
    specs.push({ name: `${p}.mlp.gate_proj.weight`, dtype, shape: [intermediate, hidden] });
    specs.push({ name: `${p}.mlp.up_proj.weight`, dtype, shape: [intermediate, hidden] });
    specs.push({ name: `${p}.mlp.down_proj.weight`, dtype, shape: [hidden, intermediate] });
    specs.push({ name: `${p}.input_layernorm.weight`, dtype, shape: [hidden] });
    specs.push({ name: `${p}.post_attention_layernorm.weight`, dtype, shape: [hidden] });
  }
  specs.push({ name: "model.norm.weight", dtype, shape: [hidden] });
  specs.push({ name: "lm_head.weight", dtype, shape: [vocab, hidden] });
  return specs;
}

export interface CheckpointOptions {
  /** Defaults to llamaTensorSpecs({ dtype }). */
  tensors?: TensorSpec[];
  /** Values are a function of (seed, tensor name, index) only, so they do not depend on order or sharding. */
  seed?: number;
  /** Overrides the random values of float tensors; integer tensors get the value truncated. */
  fill?: (name: string, index: number) => number;
  shards?: number;
  /** dtype of the default tensors (BF16); ignored when `tensors` is given. */
  dtype?: Dtype;
  /** Merged over the generated LlamaForCausalLM config. */
  config?: object;
  /** file name → contents, e.g. a tokenizer, a README or a pickle decoy. */
  extraFiles?: Record<string, string>;
}

export async function writeCheckpoint(dir: string, opts: CheckpointOptions = {}): Promise<string> {
  const specs = opts.tensors ?? llamaTensorSpecs({ dtype: opts.dtype });
  const seed = opts.seed ?? 1;
  await mkdir(dir, { recursive: true });
  const groups = splitIntoShards(specs, Math.max(1, opts.shards ?? 1));
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  for (const [i, group] of groups.entries()) {
    const file = groups.length === 1 ? "model.safetensors" : shardFileName(i + 1, groups.length);
    const writer = await SafetensorsWriter.create(join(dir, file), group, { format: "pt" });
    for (const spec of group) {
      const bytes = tensorBytes(spec, seed, opts.fill);
      await writer.write(bytes);
      totalSize += bytes.byteLength;
      weightMap[spec.name] = file;
    }
    await writer.finish({ fsync: false });
  }
  if (groups.length > 1) await writeFile(join(dir, "model.safetensors.index.json"), formatShardIndex(weightMap, totalSize));
  const config = { ...llamaConfig(specs), ...opts.config };
  await writeFile(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  for (const [name, content] of Object.entries(opts.extraFiles ?? {})) {
    if (basename(name) !== name) throw new Error(`extraFiles name must be a plain file name: ${name}`);
    await writeFile(join(dir, name), content);
  }
  return dir;
}

export function shardFileName(index: number, count: number): string {
  const pad = (n: number) => String(n).padStart(5, "0");
  return `model-${pad(index)}-of-${pad(count)}.safetensors`;
}

/** Contiguous groups of roughly equal byte size, never empty, in the given order (like HF's sharding). */
function splitIntoShards(specs: TensorSpec[], shards: number): TensorSpec[][] {
  const count = Math.min(shards, specs.length);
  if (count <= 1) return [specs];
  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1) * DTYPE_SIZES[s.dtype]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const groups: TensorSpec[][] = [[]];
  let acc = 0;
  for (const [i, spec] of specs.entries()) {
    const groupsLeft = count - groups.length;
    const full = acc >= (total * groups.length) / count;
    // Start the next shard when this one has its share, or when every remaining tensor is needed to fill one.
    if (groups[groups.length - 1].length > 0 && groupsLeft > 0 && (full || specs.length - i <= groupsLeft)) groups.push([]);
    groups[groups.length - 1].push(spec);
    acc += sizes[i];
  }
  return groups;
}

/** Deterministic values: a small PRNG seeded from (seed, name), so values survive reordering and sharding. */
export function tensorValues(name: string, numel: number, seed = 1, fill?: (name: string, index: number) => number): Float64Array {
  const out = new Float64Array(numel);
  if (fill) {
    for (let i = 0; i < numel; i++) out[i] = fill(name, i);
    return out;
  }
  const next = mulberry32(hashName(name) ^ Math.imul(seed, 0x9e3779b1));
  for (let i = 0; i < numel; i++) out[i] = (next() * 2 - 1) * 0.05;
  return out;
}

export function tensorBytes(spec: TensorSpec, seed = 1, fill?: (name: string, index: number) => number): Uint8Array {
  const numel = spec.shape.reduce((a, b) => a * b, 1);
  if (isMergeableDtype(spec.dtype)) return encodeFloats(tensorValues(spec.name, numel, seed, fill), spec.dtype);
  // Integer / FP8 tensors: raw pseudo-random bytes (or the fill value's low byte), BOOL as 0/1.
  const size = DTYPE_SIZES[spec.dtype];
  const bytes = new Uint8Array(numel * size);
  const next = mulberry32(hashName(spec.name) ^ seed);
  for (let i = 0; i < bytes.length; i++) {
    const shift = 8 * (i % size);
    const x = fill ? Math.trunc(fill(spec.name, Math.floor(i / size))) : 0;
    const v = !fill ? Math.floor(next() * 256) : shift < 32 ? x >> shift : x < 0 ? 0xff : 0;
    bytes[i] = spec.dtype === "BOOL" ? v & 1 : v & 0xff;
  }
  return bytes;
}

export { mulberry32 };


function llamaConfig(specs: TensorSpec[]): Record<string, unknown> {
  const find = (suffix: string) => specs.find((s) => s.name.endsWith(suffix));
  const embed = find("embed_tokens.weight");
  const layers = new Set(specs.map((s) => /^model\.layers\.(\d+)\./.exec(s.name)?.[1]).filter(Boolean)).size;
  const hidden = embed?.shape[1] ?? 16;
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: hidden,
    intermediate_size: find("gate_proj.weight")?.shape[0] ?? hidden * 2,
    num_hidden_layers: layers,
    num_attention_heads: Math.max(1, Math.floor(hidden / 8)),
    num_key_value_heads: Math.max(1, Math.floor(hidden / 8)),
    vocab_size: embed?.shape[0] ?? 64,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-5,
    torch_dtype: { BF16: "bfloat16", F16: "float16", F32: "float32", F64: "float64" }[embed?.dtype as string] ?? "bfloat16",
    tie_word_embeddings: false,
  };
}

/**
 * Raw safetensors bytes with a header you control, for malformed-file tests: `header` is JSON text (or a
 * value to stringify), `data` the data section (or its length, zero-filled), `headerLength` overrides the
 * length prefix.
 */
export function rawSafetensors(header: string | object, data: Uint8Array | number = 0, headerLength?: bigint | number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.byteLength + body.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.byteLength), true);
  out.set(json, 8);
  out.set(body, 8 + json.byteLength);
  return out;
}

import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isPmaError, PmaError } from "../errors";
import { openCheckpoint, type OpenedCheckpoint } from "../safetensors/checkpoint";
import { readSafetensorsHeader, TensorReader } from "../safetensors/file";
import { bf16ToFloat32, float32ToBf16 } from "../safetensors/float-codec-f32";
import { writeSafetensorsFile, type TensorWithData } from "../safetensors/writer";
import { fromHfConfig, toHfConfig, type ModelConfig, type SaveDtype } from "./config";
import { paramSpecs, type HostWeights } from "./params";

/**
 * A lab checkpoint directory, `step-<n>/`:
 *   model.safetensors      the weights, HF Llama names, F32 (or BF16)
 *   config.json            LlamaForCausalLM config
 *   optimizer.safetensors  AdamW moments `exp_avg.<name>` / `exp_avg_sq.<name>` (F32), plus `master.<name>`
 *                          when the weights are stored in BF16, so resuming is exact either way
 *   trainer_state.json     HF Trainer-style step and tokens, plus the lab's own run state
 * Each is written into a temporary sibling directory that is renamed into place only when complete, so a
 * crash leaves either a whole checkpoint or none (the scanner ignores the dot-named temporary).
 */
export interface OptimizerState {
  /** AdamW steps taken (for bias correction). */
  t: number;
  m: HostWeights;
  v: HostWeights;
}

export interface TrainerState {
  run: string;
  step: number;
  tokens: number;
  lr: number;
  /** Anything else worth keeping with the checkpoint (seed, schedule, lineage). */
  extra?: Record<string, unknown>;
}

export interface SavedCheckpoint {
  weights: HostWeights;
  config: ModelConfig;
  optimizer?: OptimizerState;
  trainer?: TrainerState;
}

export function checkpointDirName(step: number): string {
  return `step-${step}`;
}

export async function saveCheckpoint(runDir: string, step: number, state: SavedCheckpoint, dtype: SaveDtype = "F32"): Promise<string> {
  const final = join(runDir, checkpointDirName(step));
  const temp = join(runDir, `.tmp-${checkpointDirName(step)}-${process.pid}`);
  try {
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp, { recursive: true });
    await writeSafetensorsFile(join(temp, "model.safetensors"), weightTensors(state.weights, state.config, dtype), { format: "pt" });
    await writeFile(join(temp, "config.json"), `${JSON.stringify(toHfConfig(state.config, dtype), null, 2)}\n`);
    if (state.optimizer) await writeOptimizer(join(temp, "optimizer.safetensors"), state, dtype);
    if (state.trainer) await writeFile(join(temp, "trainer_state.json"), `${JSON.stringify(trainerJson(state.trainer), null, 2)}\n`);
    await rm(final, { recursive: true, force: true });
    await rename(temp, final);
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw writeError(error, final);
  }
  return final;
}

function weightTensors(weights: HostWeights, config: ModelConfig, dtype: SaveDtype): TensorWithData[] {
  return paramSpecs(config).map((spec) => {
    const values = weights.get(spec.name);
    if (!values) throw new PmaError("lab_bad_checkpoint", `weights are missing ${spec.name}`);
    return { name: spec.name, dtype, shape: spec.shape, data: encode(values, dtype) };
  });
}

function encode(values: Float32Array, dtype: SaveDtype): Uint8Array {
  const typed = dtype === "BF16" ? float32ToBf16(values) : values;
  return new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength));
}

async function writeOptimizer(file: string, state: SavedCheckpoint, dtype: SaveDtype): Promise<void> {
  const opt = state.optimizer!;
  const tensors: TensorWithData[] = [];
  for (const spec of paramSpecs(state.config)) {
    tensors.push({ name: `exp_avg.${spec.name}`, dtype: "F32", shape: spec.shape, data: encode(opt.m.get(spec.name)!, "F32") });
    tensors.push({ name: `exp_avg_sq.${spec.name}`, dtype: "F32", shape: spec.shape, data: encode(opt.v.get(spec.name)!, "F32") });
    if (dtype !== "F32") tensors.push({ name: `master.${spec.name}`, dtype: "F32", shape: spec.shape, data: encode(state.weights.get(spec.name)!, "F32") });
  }
  await writeSafetensorsFile(file, tensors, { format: "pt", step: String(opt.t) });
}

function trainerJson(trainer: TrainerState): Record<string, unknown> {
  return { global_step: trainer.step, num_input_tokens_seen: trainer.tokens, log_history: [], pma_lab: trainer };
}

/** Reads every tensor of an opened checkpoint as f32 (BF16/F16 widened exactly, F32 copied bit for bit). */
async function readAllF32(opened: OpenedCheckpoint): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const readers = new Map<string, TensorReader>();
  try {
    for (const shard of opened.shards) readers.set(shard.filePath, await TensorReader.open(shard.filePath, shard));
    for (const t of opened.tensors) {
      const bytes = new Uint8Array(t.info.end - t.info.begin);
      await readers.get(t.shardPath)!.readInto(t.info, bytes);
      out.set(t.name, decode(bytes, t.info.dtype, `${opened.dir}: ${t.name}`));
    }
  } finally {
    for (const reader of readers.values()) await reader.close().catch(() => undefined);
  }
  return out;
}

function decode(bytes: Uint8Array, dtype: string, what: string): Float32Array {
  if (dtype === "F32") return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  if (dtype === "BF16") return bf16ToFloat32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
  throw new PmaError("lab_bad_checkpoint", `${what} is ${dtype}; lab checkpoints hold F32 or BF16`);
}

export async function readModelConfig(dir: string): Promise<ModelConfig> {
  const file = join(dir, "config.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PmaError("lab_missing_file", `${file} is missing or unreadable: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PmaError("lab_bad_config", `${file} is not valid JSON`);
  }
  return fromHfConfig(json, file);
}

/** Loads weights (and, when asked, the optimizer state) and checks them against config.json. */
export async function loadCheckpoint(dir: string, options: { optimizer?: boolean } = {}): Promise<SavedCheckpoint> {
  const config = await readModelConfig(dir);
  const tensors = await readAllF32(await openLabCheckpoint(dir));
  const weights: HostWeights = new Map();
  for (const spec of paramSpecs(config)) {
    const values = tensors.get(spec.name);
    if (!values) throw new PmaError("lab_bad_checkpoint", `${dir}: model.safetensors has no tensor ${spec.name}, which config.json implies`);
    if (values.length !== spec.shape.reduce((a, b) => a * b, 1)) {
      throw new PmaError("lab_bad_checkpoint", `${dir}: ${spec.name} has ${values.length} values, config.json implies [${spec.shape.join(", ")}]`);
    }
    weights.set(spec.name, values);
  }
  const saved: SavedCheckpoint = { weights, config };
  if (options.optimizer) {
    saved.optimizer = await loadOptimizer(dir, config, weights);
    saved.trainer = (await readTrainerState(dir, { optional: true })) ?? undefined;
  }
  return saved;
}

async function loadOptimizer(dir: string, config: ModelConfig, weights: HostWeights): Promise<OptimizerState> {
  const file = join(dir, "optimizer.safetensors");
  const opened = await openCheckpointFile(dir, file);
  const tensors = await readAllF32(opened);
  const t = Number(opened.metadata?.step);
  if (!Number.isSafeInteger(t) || t < 0) throw new PmaError("lab_bad_checkpoint", `${file}: metadata "step" is missing or not an integer`);
  const m: HostWeights = new Map();
  const v: HostWeights = new Map();
  for (const spec of paramSpecs(config)) {
    const mv = tensors.get(`exp_avg.${spec.name}`);
    const vv = tensors.get(`exp_avg_sq.${spec.name}`);
    if (!mv || !vv) throw new PmaError("lab_bad_checkpoint", `${file} has no moments for ${spec.name}`);
    m.set(spec.name, mv);
    v.set(spec.name, vv);
    const master = tensors.get(`master.${spec.name}`);
    if (master) weights.set(spec.name, master);
  }
  return { t, m, v };
}

/** The optimizer file sits beside model.safetensors; open it on its own through a one-file view. */
async function openCheckpointFile(dir: string, file: string): Promise<OpenedCheckpoint> {
  try {
    const shard = await readSafetensorsHeader(file);
    const tensors = shard.tensors.map((info) => ({ name: info.name, shardPath: file, info, dataOffset: shard.dataOffset + info.begin }));
    return {
      dir,
      format: "safetensors",
      shards: [shard],
      tensors,
      byName: new Map(tensors.map((t) => [t.name, t])),
      totalBytes: shard.fileSize,
      params: 0,
      dtypes: ["F32"],
      metadata: shard.metadata ?? null,
    };
  } catch (error) {
    throw labFileError(error, file);
  }
}

async function openLabCheckpoint(dir: string): Promise<OpenedCheckpoint> {
  try {
    return await openCheckpoint(dir);
  } catch (error) {
    throw labFileError(error, join(dir, "model.safetensors"));
  }
}

export async function readTrainerState(dir: string, options: { optional?: boolean } = {}): Promise<TrainerState | null> {
  const file = join(dir, "trainer_state.json");
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" && options.optional) return null;
    throw new PmaError("lab_missing_file", `${file} is missing or unreadable`, { cause: error });
  });
  if (text === null) return null;
  let json: { pma_lab?: TrainerState };
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PmaError("lab_bad_checkpoint", `${file} is not valid JSON`, { cause: error });
  }
  const state = json.pma_lab;
  if (!state || !Number.isSafeInteger(state.step) || !Number.isFinite(state.tokens)) throw new PmaError("lab_bad_checkpoint", `${file} has no lab run state`);
  return state;
}

function labFileError(error: unknown, file: string): PmaError {
  if (isPmaError(error)) {
    const missing = error.code === "st_file_not_found" || error.code === "st_no_weights";
    return new PmaError(missing ? "lab_missing_file" : "lab_bad_checkpoint", `${file}: ${error.message}`, { cause: error, details: { code: error.code } });
  }
  return new PmaError("lab_bad_checkpoint", `${file}: ${(error as Error).message}`, { cause: error });
}

function writeError(error: unknown, target: string): PmaError {
  if (isPmaError(error)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === "ENOSPC" ? "the disk is full" : code === "EROFS" || code === "EACCES" || code === "EPERM" ? "the directory is not writable" : (error as Error).message;
  return new PmaError("lab_write_failed", `could not write checkpoint ${target}: ${why}`, { cause: error, details: { errno: code } });
}

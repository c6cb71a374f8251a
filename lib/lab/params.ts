import { hashName, mulberry32 as uniformStream } from "../random";
import type { ModelConfig } from "./config";

/**
 * The model's parameters by their Hugging Face Llama names, with PyTorch's [out, in] layout for linear
 * layers, in the order HF lists them. Host-side weights are plain Float32Arrays, so they can move between
 * processes, files and the merge engine without TensorFlow.js.
 */
export interface ParamSpec {
  name: string;
  shape: number[];
  /** How the parameter starts: a normal(0, std) draw, or all ones (RMSNorm gains). */
  init: "normal" | "ones";
  /** Matrices get weight decay; gains do not (the usual AdamW practice). */
  decay: boolean;
}

export type HostWeights = Map<string, Float32Array>;

export function paramSpecs(config: ModelConfig): ParamSpec[] {
  const { hidden: d, intermediate: f, vocabSize: v } = config;
  const matrix = (name: string, shape: number[]): ParamSpec => ({ name, shape, init: "normal", decay: true });
  const gain = (name: string): ParamSpec => ({ name, shape: [d], init: "ones", decay: false });
  const specs: ParamSpec[] = [matrix("model.embed_tokens.weight", [v, d])];
  for (let i = 0; i < config.layers; i++) {
    const p = `model.layers.${i}`;
    for (const proj of ["q", "k", "v", "o"]) specs.push(matrix(`${p}.self_attn.${proj}_proj.weight`, [d, d]));
    specs.push(matrix(`${p}.mlp.gate_proj.weight`, [f, d]));
    specs.push(matrix(`${p}.mlp.up_proj.weight`, [f, d]));
    specs.push(matrix(`${p}.mlp.down_proj.weight`, [d, f]));
    specs.push(gain(`${p}.input_layernorm.weight`));
    specs.push(gain(`${p}.post_attention_layernorm.weight`));
  }
  specs.push(gain("model.norm.weight"));
  if (!config.tieWordEmbeddings) specs.push(matrix("lm_head.weight", [v, d]));
  return specs;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function countParams(config: ModelConfig): number {
  return paramSpecs(config).reduce((sum, spec) => sum + numel(spec.shape), 0);
}

/**
 * Deterministic initialisation from a seed: each tensor draws from its own stream (seeded by the run seed
 * and the tensor's name), so the values do not depend on backend, order or which tensors exist.
 * Output projections (o_proj, down_proj) are scaled by 1/sqrt(2·layers), as in GPT-2, so the residual
 * stream starts at the same scale whatever the depth.
 */
export function initWeights(config: ModelConfig, seed: number): HostWeights {
  const weights: HostWeights = new Map();
  const residualScale = 1 / Math.sqrt(2 * config.layers);
  for (const spec of paramSpecs(config)) {
    const values = new Float32Array(numel(spec.shape));
    if (spec.init === "ones") values.fill(1);
    else {
      const std = config.initStd * (/(o_proj|down_proj)\.weight$/.test(spec.name) ? residualScale : 1);
      const normal = normalStream(hashName(spec.name) ^ Math.imul(seed + 1, 0x9e3779b1));
      for (let i = 0; i < values.length; i++) values[i] = normal() * std;
    }
    weights.set(spec.name, values);
  }
  return weights;
}


function normalStream(seed: number): () => number {
  const uniform = uniformStream(seed);
  return () => {
    // Box–Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - uniform();
    const w = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  };
}


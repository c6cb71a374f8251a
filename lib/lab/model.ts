import { headDim, type ModelConfig } from "./config";
import type { HostWeights } from "./params";
import { tf } from "./tf";

/**
 * The reference model's forward pass: a decoder-only Llama (RMSNorm → rotary causal self-attention →
 * RMSNorm → SwiGLU MLP, pre-norm residuals, final RMSNorm, lm_head), written with TensorFlow.js ops so
 * its autodiff does the backward pass. Embedding lookup is a one-hot product: the wasm backend has no
 * gradient kernel for gather, and at a 256-byte vocabulary the product costs little.
 */
export type ParamTensors = Map<string, tf.Tensor>;

/** Constants one sequence length needs: rotary tables, the rotate-half matrix and the causal mask. */
export interface Tables {
  seqLen: number;
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
  rotate: tf.Tensor2D;
  mask: tf.Tensor2D;
}

export function buildTables(config: ModelConfig, seqLen: number): Tables {
  if (seqLen > config.maxPositions) throw new Error(`sequence length ${seqLen} exceeds max_position_embeddings ${config.maxPositions}`);
  const hd = headDim(config);
  const half = hd / 2;
  const cos = new Float32Array(seqLen * hd);
  const sin = new Float32Array(seqLen * hd);
  for (let t = 0; t < seqLen; t++) {
    for (let i = 0; i < half; i++) {
      // HF Llama: inv_freq = theta^(-2i/d), and the angle table is cat(freqs, freqs).
      const angle = t / config.ropeTheta ** ((2 * i) / hd);
      cos[t * hd + i] = cos[t * hd + i + half] = Math.cos(angle);
      sin[t * hd + i] = sin[t * hd + i + half] = Math.sin(angle);
    }
  }
  // rotate_half(x) = cat(-x2, x1) as x @ R.
  const rotate = new Float32Array(hd * hd);
  for (let j = 0; j < half; j++) {
    rotate[(j + half) * hd + j] = -1;
    rotate[j * hd + j + half] = 1;
  }
  const mask = new Float32Array(seqLen * seqLen);
  for (let i = 0; i < seqLen; i++) for (let j = i + 1; j < seqLen; j++) mask[i * seqLen + j] = -1e9;
  return {
    seqLen,
    cos: tf.tensor2d(cos, [seqLen, hd]),
    sin: tf.tensor2d(sin, [seqLen, hd]),
    rotate: tf.tensor2d(rotate, [hd, hd]),
    mask: tf.tensor2d(mask, [seqLen, seqLen]),
  };
}

export function disposeTables(tables: Tables): void {
  tf.dispose([tables.cos, tables.sin, tables.rotate, tables.mask]);
}

function rmsNorm(x: tf.Tensor2D, gain: tf.Tensor, eps: number): tf.Tensor2D {
  const ms = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), gain);
}

function linear(x: tf.Tensor2D, weight: tf.Tensor): tf.Tensor2D {
  return tf.matMul(x, weight as tf.Tensor2D, false, true);
}

function rope(x: tf.Tensor4D, tables: Tables): tf.Tensor4D {
  const [b, h, t, hd] = x.shape;
  const rotated = tf.reshape(tf.matMul(tf.reshape(x, [b * h * t, hd]), tables.rotate), [b, h, t, hd]);
  return tf.add(tf.mul(x, tables.cos), tf.mul(rotated, tables.sin));
}

function attention(x: tf.Tensor2D, params: ParamTensors, prefix: string, config: ModelConfig, batch: number, tables: Tables): tf.Tensor2D {
  const t = tables.seqLen;
  const heads = config.heads;
  const hd = headDim(config);
  const split = (y: tf.Tensor2D) => tf.transpose(tf.reshape(y, [batch, t, heads, hd]), [0, 2, 1, 3]) as tf.Tensor4D;
  const q = rope(split(linear(x, params.get(`${prefix}.q_proj.weight`)!)), tables);
  const k = rope(split(linear(x, params.get(`${prefix}.k_proj.weight`)!)), tables);
  const v = split(linear(x, params.get(`${prefix}.v_proj.weight`)!));
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hd)), tables.mask);
  const mixed = tf.matMul(tf.softmax(scores), v);
  const merged = tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch * t, config.hidden]) as tf.Tensor2D;
  return linear(merged, params.get(`${prefix}.o_proj.weight`)!);
}

function mlp(x: tf.Tensor2D, params: ParamTensors, prefix: string): tf.Tensor2D {
  const gate = linear(x, params.get(`${prefix}.gate_proj.weight`)!);
  const up = linear(x, params.get(`${prefix}.up_proj.weight`)!);
  const silu = tf.mul(gate, tf.sigmoid(gate));
  return linear(tf.mul(silu, up) as tf.Tensor2D, params.get(`${prefix}.down_proj.weight`)!);
}

/** Logits [batch·seq, vocab] for int32 token ids [batch, seq]. */
export function forward(params: ParamTensors, ids: tf.Tensor2D, config: ModelConfig, tables: Tables): tf.Tensor2D {
  const [batch, t] = ids.shape;
  if (t !== tables.seqLen) throw new Error(`batch sequence length ${t} does not match the tables (${tables.seqLen})`);
  const embed = params.get("model.embed_tokens.weight")!;
  let h = tf.matMul(tf.oneHot(tf.reshape(ids, [batch * t]), config.vocabSize), embed as tf.Tensor2D) as tf.Tensor2D;
  for (let i = 0; i < config.layers; i++) {
    const p = `model.layers.${i}`;
    h = tf.add(h, attention(rmsNorm(h, params.get(`${p}.input_layernorm.weight`)!, config.rmsNormEps), params, `${p}.self_attn`, config, batch, tables));
    h = tf.add(h, mlp(rmsNorm(h, params.get(`${p}.post_attention_layernorm.weight`)!, config.rmsNormEps), params, `${p}.mlp`));
  }
  h = rmsNorm(h, params.get("model.norm.weight")!, config.rmsNormEps);
  const head = config.tieWordEmbeddings ? embed : params.get("lm_head.weight")!;
  return linear(h, head);
}

/**
 * Summed next-token cross-entropy (nats) over every position, for int32 targets [batch·seq]. Summing
 * (not averaging) lets the evaluator add up exact totals over many batches; training divides by the count.
 */
export function crossEntropySum(logits: tf.Tensor2D, targets: tf.Tensor1D, vocab: number): tf.Scalar {
  const logp = tf.logSoftmax(logits);
  return tf.neg(tf.sum(tf.mul(logp, tf.oneHot(targets, vocab)))) as tf.Scalar;
}

export function meanLoss(params: ParamTensors, ids: tf.Tensor2D, targets: tf.Tensor1D, config: ModelConfig, tables: Tables): tf.Scalar {
  return tf.div(crossEntropySum(forward(params, ids, config, tables), targets, config.vocabSize), targets.shape[0]);
}

/** Host weights → tensors (copies; the caller disposes). */
export function toTensors(weights: HostWeights, shapes: Map<string, number[]>): ParamTensors {
  const out: ParamTensors = new Map();
  for (const [name, values] of weights) out.set(name, tf.tensor(values, shapes.get(name)));
  return out;
}

import { z } from "zod";
import { PmaError } from "../errors";

/**
 * The reference model's shape, and its Hugging Face `config.json` (LlamaForCausalLM), so that
 * `transformers.AutoModelForCausalLM.from_pretrained(dir)` loads a lab checkpoint as it is.
 */
export interface ModelConfig {
  vocabSize: number;
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  /** Longest sequence the rotary tables are built for (and the training context). */
  maxPositions: number;
  ropeTheta: number;
  rmsNormEps: number;
  tieWordEmbeddings: boolean;
  /** Std of the normal initialisation (HF's initializer_range). */
  initStd: number;
}

export type SaveDtype = "F32" | "BF16";

export const BYTE_VOCAB = 256;

export function headDim(config: ModelConfig): number {
  return config.hidden / config.heads;
}

export function validateModelConfig(config: ModelConfig): ModelConfig {
  const positive = ["vocabSize", "hidden", "intermediate", "layers", "heads", "maxPositions"] as const;
  for (const key of positive) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 1) throw new PmaError("lab_bad_config", `model ${key} must be a positive integer, got ${config[key]}`);
  }
  if (config.hidden % config.heads !== 0 || headDim(config) % 2 !== 0) {
    throw new PmaError("lab_bad_config", `hidden (${config.hidden}) must split into ${config.heads} heads of an even size`);
  }
  return config;
}

export function toHfConfig(config: ModelConfig, dtype: SaveDtype): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: config.vocabSize,
    hidden_size: config.hidden,
    intermediate_size: config.intermediate,
    num_hidden_layers: config.layers,
    num_attention_heads: config.heads,
    num_key_value_heads: config.heads,
    head_dim: headDim(config),
    hidden_act: "silu",
    max_position_embeddings: config.maxPositions,
    initializer_range: config.initStd,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling: null,
    attention_bias: false,
    attention_dropout: 0,
    mlp_bias: false,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: dtype === "BF16" ? "bfloat16" : "float32",
    use_cache: true,
    bos_token_id: null,
    eos_token_id: null,
    pma_lab: { tokenizer: "bytes", note: "byte-level: token id = UTF-8 byte value" },
  };
}

const hfSchema = z.object({
  architectures: z.array(z.string()).optional(),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive(),
  rms_norm_eps: z.number().positive(),
  rope_theta: z.number().positive().default(10000),
  tie_word_embeddings: z.boolean().default(false),
  initializer_range: z.number().positive().default(0.02),
});

/** Reads a config.json back into a ModelConfig; only what the lab's own model can run is accepted. */
export function fromHfConfig(json: unknown, source: string): ModelConfig {
  const parsed = hfSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("lab_bad_config", `${source}: ${issue.path.join(".") || "config"}: ${issue.message}`);
  }
  const c = parsed.data;
  if (c.architectures && !c.architectures.includes("LlamaForCausalLM")) {
    throw new PmaError("lab_bad_config", `${source}: architectures ${JSON.stringify(c.architectures)} is not LlamaForCausalLM`);
  }
  if (c.num_key_value_heads !== undefined && c.num_key_value_heads !== c.num_attention_heads) {
    throw new PmaError("lab_bad_config", `${source}: grouped-query attention (num_key_value_heads ${c.num_key_value_heads} ≠ ${c.num_attention_heads}) is not supported by the lab model`);
  }
  return validateModelConfig({
    vocabSize: c.vocab_size,
    hidden: c.hidden_size,
    intermediate: c.intermediate_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    maxPositions: c.max_position_embeddings,
    ropeTheta: c.rope_theta,
    rmsNormEps: c.rms_norm_eps,
    tieWordEmbeddings: c.tie_word_embeddings,
    initStd: c.initializer_range,
  });
}

import { loadCheckpoint } from "./checkpoint-io";
import { validateModelConfig, type ModelConfig } from "./config";
import { buildCorpus, validationBatches, type Batch } from "./corpus";
import { buildTables, crossEntropySum, disposeTables, forward } from "./model";
import { paramSpecs, type HostWeights } from "./params";
import { PmaError } from "../errors";
import { initBackend, tf, type LabBackend } from "./tf";

/**
 * The built-in evaluator: held-out next-byte loss on a fixed slice of the validation documents (the first
 * `sequences` windows of `seqLen` bytes, in order), reported as mean nats per byte, perplexity and bits per
 * byte. Deterministic: the same weights give the same numbers, bit for bit, whether they come from a
 * checkpoint on disk or from a merge held in memory (`evaluateWeights`, the merge executor's consumer).
 */
export interface EvalOptions {
  sequences?: number;
  seqLen?: number;
  batch?: number;
  backend?: LabBackend;
}

export interface EvalMetrics {
  /** Mean cross-entropy, nats per byte. */
  loss: number;
  perplexity: number;
  bitsPerByte: number;
  /** Bytes scored. */
  tokens: number;
}

export const DEFAULT_EVAL = { sequences: 128, seqLen: 64, batch: 32 } as const;

let validationCache: { key: string; batches: Batch[] } | undefined;

function validationSlice(sequences: number, seqLen: number, batch: number): Batch[] {
  const key = `${sequences}:${seqLen}:${batch}`;
  if (validationCache?.key !== key) validationCache = { key, batches: validationBatches(buildCorpus().validation, sequences, seqLen, batch) };
  return validationCache.batches;
}

export async function evaluateWeights(weights: HostWeights, config: ModelConfig, options: EvalOptions = {}): Promise<EvalMetrics> {
  validateModelConfig(config);
  const sequences = options.sequences ?? DEFAULT_EVAL.sequences;
  const seqLen = options.seqLen ?? Math.min(DEFAULT_EVAL.seqLen, config.maxPositions);
  const batchSize = options.batch ?? DEFAULT_EVAL.batch;
  await initBackend(options.backend);
  const specs = paramSpecs(config);
  for (const spec of specs) {
    const values = weights.get(spec.name);
    const expected = spec.shape.reduce((a, b) => a * b, 1);
    if (!values) throw new PmaError("lab_bad_weights", `the weights to evaluate have no tensor ${spec.name}`);
    if (values.length !== expected) throw new PmaError("lab_bad_weights", `${spec.name} has ${values.length} values, expected ${expected}`);
  }
  const batches = validationSlice(sequences, seqLen, batchSize);
  const tables = buildTables(config, seqLen);
  const params = new Map(specs.map((spec) => [spec.name, tf.tensor(weights.get(spec.name)!, spec.shape)]));
  let total = 0;
  let count = 0;
  try {
    for (const batch of batches) {
      const sum = tf.tidy(() => {
        const ids = tf.tensor2d(batch.inputs, [batch.batch, batch.seqLen], "int32");
        const logits = forward(params, ids, config, tables);
        return crossEntropySum(logits, tf.tensor1d(batch.targets, "int32"), config.vocabSize).dataSync()[0];
      });
      total += sum;
      count += batch.targets.length;
    }
  } finally {
    disposeTables(tables);
    tf.dispose([...params.values()]);
  }
  const loss = total / count;
  if (!Number.isFinite(loss)) throw new PmaError("lab_eval_not_finite", `held-out loss is not finite (${loss}): the weights have diverged`);
  return { loss, perplexity: Math.exp(loss), bitsPerByte: loss / Math.LN2, tokens: count };
}

export async function evaluateCheckpointDir(dir: string, options: EvalOptions = {}): Promise<EvalMetrics> {
  const saved = await loadCheckpoint(dir);
  return evaluateWeights(saved.weights, saved.config, options);
}

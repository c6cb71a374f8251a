import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../../../lib/lab/checkpoint-io";
import { fromHfConfig, toHfConfig } from "../../../lib/lab/config";
import { buildTables, disposeTables, forward, toTensors } from "../../../lib/lab/model";
import { countParams, initWeights, paramSpecs } from "../../../lib/lab/params";
import { initBackend, tf } from "../../../lib/lab/tf";
import { llamaTensorSpecs, makeTempDir } from "../../helpers/checkpoint-fixtures";
import { TINY_MODEL } from "./tiny";

describe("the lab model", () => {
  it("names and shapes its parameters exactly like HF Llama", () => {
    const specs = paramSpecs({ ...TINY_MODEL, layers: 2, hidden: 16, intermediate: 32, vocabSize: 64 });
    const hf = llamaTensorSpecs({ layers: 2, hidden: 16, intermediate: 32, vocab: 64 });
    expect(specs.map((s) => [s.name, s.shape])).toEqual(hf.map((s) => [s.name, s.shape]));
    expect(specs.find((s) => s.name === "model.layers.0.self_attn.q_proj.weight")!.shape).toEqual([16, 16]);
    expect(specs.find((s) => s.name === "model.layers.1.mlp.gate_proj.weight")!.shape).toEqual([32, 16]);
  });

  it("drops lm_head when the embeddings are tied", () => {
    const names = paramSpecs({ ...TINY_MODEL, tieWordEmbeddings: true }).map((s) => s.name);
    expect(names).not.toContain("lm_head.weight");
    expect(countParams({ ...TINY_MODEL, tieWordEmbeddings: true })).toBe(countParams(TINY_MODEL) - 256 * 16);
  });

  it("initialises deterministically from the seed", () => {
    const a = initWeights(TINY_MODEL, 1);
    expect(initWeights(TINY_MODEL, 1).get("model.embed_tokens.weight")).toEqual(a.get("model.embed_tokens.weight"));
    expect(initWeights(TINY_MODEL, 2).get("model.embed_tokens.weight")).not.toEqual(a.get("model.embed_tokens.weight"));
    expect([...a.get("model.norm.weight")!]).toEqual(new Array(16).fill(1));
  });

  it("gives [batch·seq, vocab] logits", async () => {
    await initBackend();
    const weights = initWeights(TINY_MODEL, 1);
    const params = toTensors(weights, new Map(paramSpecs(TINY_MODEL).map((s) => [s.name, s.shape])));
    const tables = buildTables(TINY_MODEL, 16);
    const logits = tf.tidy(() => forward(params, tf.tensor2d(new Int32Array(2 * 16).fill(65), [2, 16], "int32"), TINY_MODEL, tables));
    expect(logits.shape).toEqual([32, 256]);
    expect(logits.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([logits, ...params.values()]);
    disposeTables(tables);
  });

  it("is causal: a later token never changes an earlier position's logits", async () => {
    await initBackend();
    const params = toTensors(initWeights(TINY_MODEL, 1), new Map(paramSpecs(TINY_MODEL).map((s) => [s.name, s.shape])));
    const tables = buildTables(TINY_MODEL, 16);
    const ids = Int32Array.from({ length: 16 }, (_, i) => 97 + i);
    const changed = Int32Array.from(ids);
    changed[15] = 33;
    const run = (x: Int32Array) => tf.tidy(() => forward(params, tf.tensor2d(x, [1, 16], "int32"), TINY_MODEL, tables).dataSync());
    expect(run(changed).slice(0, 15 * 256)).toEqual(run(ids).slice(0, 15 * 256));
    tf.dispose([...params.values()]);
    disposeTables(tables);
  });

  it("writes a config.json with the LlamaForCausalLM fields HF tooling reads", async () => {
    const dir = makeTempDir("pma-lab-model-");
    const path = await saveCheckpoint(dir, 10, { weights: initWeights(TINY_MODEL, 1), config: TINY_MODEL });
    const config = JSON.parse(await readFile(join(path, "config.json"), "utf8"));
    expect(config).toMatchObject({
      architectures: ["LlamaForCausalLM"],
      model_type: "llama",
      hidden_size: 16,
      intermediate_size: 40,
      num_attention_heads: 2,
      num_key_value_heads: 2,
      num_hidden_layers: 1,
      vocab_size: 256,
      max_position_embeddings: 16,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      tie_word_embeddings: false,
      torch_dtype: "float32",
      hidden_act: "silu",
    });
    expect(fromHfConfig(config, "config.json")).toEqual(TINY_MODEL);
    expect(toHfConfig(TINY_MODEL, "BF16").torch_dtype).toBe("bfloat16");
    expect((await loadCheckpoint(path)).config).toEqual(TINY_MODEL);
  });

  it("refuses a config it cannot run", () => {
    const good = toHfConfig(TINY_MODEL, "F32");
    expect(() => fromHfConfig({ ...good, architectures: ["GPT2LMHeadModel"] }, "c.json")).toThrow(/LlamaForCausalLM/);
    expect(() => fromHfConfig({ ...good, num_key_value_heads: 1 }, "c.json")).toThrow(/grouped-query/);
    expect(() => fromHfConfig({ ...good, hidden_size: "16" }, "c.json")).toThrow(expect.objectContaining({ code: "lab_bad_config" }));
    expect(() => fromHfConfig({ ...good, num_attention_heads: 3 }, "c.json")).toThrow(/heads/);
  });
});

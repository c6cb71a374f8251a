import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { averageWeights } from "../../../lib/lab/average";
import { loadCheckpoint, saveCheckpoint } from "../../../lib/lab/checkpoint-io";
import { evaluateCheckpointDir, evaluateWeights } from "../../../lib/lab/evaluate";
import { initWeights } from "../../../lib/lab/params";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";
import { TINY_MODEL } from "./tiny";

const options = { sequences: 16, seqLen: 16, batch: 8 };

describe("the built-in evaluator", () => {
  it("scores an untrained model near ln 256 nats per byte, in every unit", async () => {
    const m = await evaluateWeights(initWeights(TINY_MODEL, 1), TINY_MODEL, options);
    expect(m.tokens).toBe(256);
    expect(m.loss).toBeGreaterThan(5.4);
    expect(m.loss).toBeLessThan(5.7);
    expect(m.perplexity).toBeCloseTo(Math.exp(m.loss), 6);
    expect(m.bitsPerByte).toBeCloseTo(m.loss / Math.LN2, 9);
  });

  it("is deterministic, and a merge in memory scores exactly like the same merge on disk", async () => {
    const a = initWeights(TINY_MODEL, 1);
    const b = initWeights(TINY_MODEL, 2);
    const merged = averageWeights([a, b], [0.5, 0.5]);
    const first = await evaluateWeights(merged, TINY_MODEL, options);
    expect(await evaluateWeights(merged, TINY_MODEL, options)).toEqual(first);
    const dir = makeTempDir("pma-lab-eval-");
    const path = await saveCheckpoint(dir, 1, { weights: merged, config: TINY_MODEL });
    expect(await evaluateCheckpointDir(path, options)).toEqual(first);
    const loaded = await loadCheckpoint(path);
    expect(await evaluateWeights(loaded.weights, loaded.config, options)).toEqual(first);
  });

  it("rejects weights that do not fit the config, and missing checkpoints, clearly", async () => {
    const weights = initWeights(TINY_MODEL, 1);
    weights.delete("model.norm.weight");
    await expect(evaluateWeights(weights, TINY_MODEL, options)).rejects.toMatchObject({ code: "lab_bad_weights", message: expect.stringContaining("model.norm.weight") });
    await expect(evaluateCheckpointDir(join(makeTempDir(), "nope"), options)).rejects.toMatchObject({ code: "lab_missing_file" });
  });
});

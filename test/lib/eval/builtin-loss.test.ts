import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { builtinLossKind } from "../../../lib/eval/kinds/builtin-loss";
import { BUILTIN_EVALUATOR } from "../../../lib/eval/registry";
import { saveCheckpoint } from "../../../lib/lab/checkpoint-io";
import { BYTE_VOCAB, type ModelConfig } from "../../../lib/lab/config";
import { initWeights } from "../../../lib/lab/params";
import { tempDir } from "./helpers";

const tiny: ModelConfig = { vocabSize: BYTE_VOCAB, hidden: 16, intermediate: 32, layers: 1, heads: 2, maxPositions: 32, ropeTheta: 10000, rmsNormEps: 1e-5, tieWordEmbeddings: true, initStd: 0.02 };

describe("built-in held-out loss evaluator", () => {
  it("scores a lab checkpoint in-process and writes its metrics file", async () => {
    const root = tempDir();
    const dir = await saveCheckpoint(root, 0, { weights: initWeights(tiny, 1), config: tiny });
    const outputDir = path.join(root, "out");
    fs.mkdirSync(outputDir);
    const definition = { ...BUILTIN_EVALUATOR, settings: { sequences: 8, seqLen: 16, batch: 8 } };
    const result = await builtinLossKind.run(definition, { modelDir: dir, outputDir, logFile: path.join(root, "log"), gpu: null, env: {}, log: () => {} });
    const loss = result.metrics.find((m) => m.name === "heldout/loss")!;
    // An untrained byte model is close to uniform over 256 bytes: ln 256 ≈ 5.55 nats.
    expect(loss.value).toBeGreaterThan(4.5);
    expect(loss.value).toBeLessThan(6.5);
    expect(loss).toMatchObject({ higherIsBetter: false, n: 8 * 16, stderr: null });
    expect(JSON.parse(fs.readFileSync(path.join(outputDir, "metrics.json"), "utf8")).metrics).toHaveLength(3);
  });
});

import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { Db } from "../../../db/client";
import { findJobById } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { parseConfig } from "../../../lib/env";
import type { MergePassPayload } from "../../../lib/jobs/kinds";
import { executeMerge } from "../../../lib/merge/execute";
import { parseSchemeList } from "../../../lib/merge/weights";
import { createSweep } from "../../../lib/sweeps";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { tempDataDir } from "../../lib/jobs/helpers";

const M = 1_000_000;

/** A data dir with a registered run `main` of four small Llama-layout checkpoints (about 200 KiB each). */
export async function mergeDataDir(prefix = "pma-merge-"): Promise<{ db: Db; dataDir: string }> {
  const { db, dataDir } = tempDataDir(prefix);
  const runDir = path.join(dataDir, "ckpt", "main");
  const tensors = llamaTensorSpecs({ layers: 2, hidden: 64, intermediate: 128, vocab: 256 });
  for (let i = 1; i <= 4; i++) await writeCheckpoint(path.join(runDir, `step-${i * 1000}`), { seed: i, tensors });
  await registerCheckpoints(db, parseConfig({ PMA_LAB_DATA_DIR: dataDir }), { directory: runDir, run: "main", tokensPerStep: 1000 });
  return { db, dataDir };
}

/** The outputs of a merge job's payload, merged in-process without any interruption: recipe hash → sha256. */
export async function referenceShas(payload: MergePassPayload): Promise<Map<string, string>> {
  const scratch = makeTempDir("pma-ref-");
  const result = await executeMerge({
    inputs: payload.inputs.map((input) => input.path),
    outputs: payload.outputs.map((output) => ({ outDir: path.join(scratch, output.recipeHash), weights: output.weights, outputDtype: output.outputDtype })),
  });
  fs.rmSync(scratch, { recursive: true, force: true });
  return new Map(payload.outputs.map((output, k) => [output.recipeHash, result.outputs[k].sha256!]));
}

/**
 * A sweep of two cells (N = 2, 3 at 4M tokens) stored as one fused job; `serial` picks recipes no earlier sweep of
 * the data dir has (SMA/WMA first, then EMA with a fresh α). Adds the outputs' reference sha256s to `expected`.
 */
export async function mergeSweep(db: Db, dataDir: string, serial: number, expected: Map<string, string>, maxAttempts = 1000): Promise<{ sweepId: number; jobId: number }> {
  const schemes = serial === 0 ? "sma,wma" : `ema:${(0.05 + serial / 100).toFixed(2)}`;
  const sweep = createSweep(db, { run: "main", points: [4 * M], ns: [2, 3], intervals: [M], schemes: parseSchemeList(schemes) }, { dataDir });
  expect(sweep.estimate.jobs).toHaveLength(1);
  const jobId = sweep.estimate.jobs[0];
  db.$client.prepare("update jobs set max_attempts = ? where id = ?").run(maxAttempts, jobId);
  for (const [recipe, sha] of await referenceShas(findJobById(db, jobId)!.payload as MergePassPayload)) expected.set(recipe, sha);
  return { sweepId: sweep.id, jobId };
}

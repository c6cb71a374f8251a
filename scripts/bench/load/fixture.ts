import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase, writeTransaction } from "../../../db/client";
import { findRunByName, listCheckpoints } from "../../../db/queries";
import { createUserToken } from "../../../lib/auth";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { checkpointCandidate, enqueueEvaluations } from "../../../lib/eval/enqueue";
import { loadEvaluators } from "../../../lib/eval/registry";
import { parseConfig } from "../../../lib/env";
import { createWorkerToken } from "../../../lib/jobs/tokens";
import { SafetensorsWriter } from "../../../lib/safetensors/writer";

/**
 * The load benchmark's data dir: a registered run with one tiny checkpoint per simulated worker and one queued
 * `heldout-loss` evaluate job for each (the jobs the simulated workers claim and stream metrics into), a worker
 * token, and a sign-in token for the reader.
 */
export interface LoadFixture {
  dataDir: string;
  run: string;
  workerToken: string;
  readerToken: string;
  evaluateJobs: number[];
}

export async function prepareLoadFixture(dataDir: string, jobs: number): Promise<LoadFixture> {
  const run = "load/run";
  const runDir = path.join(dataDir, "ckpt", "load-run");
  for (let i = 1; i <= jobs; i++) {
    const dir = path.join(runDir, `step-${i * 100}`);
    await mkdir(dir, { recursive: true });
    const tensors = [
      { name: "model.embed_tokens.weight", dtype: "F32" as const, shape: [16, 8] },
      { name: "lm_head.weight", dtype: "F32" as const, shape: [16, 8] },
    ];
    const writer = await SafetensorsWriter.create(path.join(dir, "model.safetensors"), tensors, { format: "pt" });
    for (const [t, spec] of tensors.entries()) {
      const values = new Float32Array(spec.shape[0] * spec.shape[1]).map((_, k) => Math.sin(i * 31 + t * 7 + k) / 10);
      await writer.write(new Uint8Array(values.buffer));
    }
    await writer.finish({ fsync: false });
    await writeFile(path.join(dir, "config.json"), '{"architectures": ["LlamaForCausalLM"], "model_type": "llama"}\n');
  }
  const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  try {
    await registerCheckpoints(db, parseConfig({ PMA_LAB_DATA_DIR: dataDir }), { directory: runDir, run, tokensPerStep: 1000 });
    const candidates = listCheckpoints(db, findRunByName(db, run)!.id).map(checkpointCandidate);
    const registry = loadEvaluators(dataDir, {});
    const { queued } = writeTransaction(db, (tx) => enqueueEvaluations(tx, registry, ["heldout-loss"], candidates));
    return {
      dataDir,
      run,
      workerToken: createWorkerToken(db, "load-bench").token,
      readerToken: createUserToken(dataDir, "load-reader").token,
      evaluateJobs: queued.map((q) => q.jobId),
    };
  } finally {
    db.$client.close();
  }
}

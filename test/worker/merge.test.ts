import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, listAttempts, listPublishedArtifacts } from "../../db/queries";
import { registerCheckpoints } from "../../lib/checkpoints/register";
import { parseConfig } from "../../lib/env";
import type { MergePassPayload } from "../../lib/jobs/kinds";
import { executeMerge } from "../../lib/merge/execute";
import { parseSchemeList } from "../../lib/merge/weights";
import { createSweep, describeSweep } from "../../lib/sweeps";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";
import { tempDataDir } from "../lib/jobs/helpers";
import { checkInvariants } from "./helpers/invariants";
import { sleep, spawnWorker, until } from "./helpers/spawn";

/** PMA_LAB_KILL_ROUNDS=20 for the long soak of reliability.md; 3 keeps the suite quick. */
const ROUNDS = Number(process.env.PMA_LAB_KILL_ROUNDS ?? 3);
const M = 1_000_000;

async function setupRun() {
  const { db, dataDir } = tempDataDir("pma-merge-");
  const runDir = path.join(dataDir, "ckpt", "main");
  const tensors = llamaTensorSpecs({ layers: 2, hidden: 64, intermediate: 128, vocab: 256 });
  for (let i = 1; i <= 4; i++) await writeCheckpoint(path.join(runDir, `step-${i * 1000}`), { seed: i, tensors });
  await registerCheckpoints(db, parseConfig({ PMA_LAB_DATA_DIR: dataDir }), { directory: runDir, run: "main", tokensPerStep: 1000 });
  const sweep = createSweep(db, { run: "main", points: [4 * M], ns: [2, 3], intervals: [M], schemes: parseSchemeList("sma,wma") }, { dataDir });
  return { db, dataDir, sweep };
}

/** The same outputs, merged in-process without any interruption. */
async function referenceShas(payload: MergePassPayload): Promise<Map<string, string>> {
  const scratch = makeTempDir("pma-ref-");
  const result = await executeMerge({
    inputs: payload.inputs.map((input) => input.path),
    outputs: payload.outputs.map((output) => ({ outDir: path.join(scratch, output.recipeHash), weights: output.weights, outputDtype: output.outputDtype })),
  });
  return new Map(payload.outputs.map((output, k) => [output.recipeHash, result.outputs[k].sha256!]));
}

function mergeEntries(dataDir: string): string[] {
  const dir = path.join(dataDir, "artifacts", "merges");
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe("merges on real worker processes", () => {
  it(`kill -9 at random points of a fused merge (${ROUNDS}×): re-leased, final sha256 equals an uninterrupted run, no partial registered`, async () => {
    const { db, dataDir, sweep } = await setupRun();
    expect(sweep.estimate.jobs).toHaveLength(1);
    const jobId = sweep.estimate.jobs[0];
    const job = findJobById(db, jobId)!;
    expect(job.kind).toBe("sweep-pass");
    const payload = job.payload as MergePassPayload;
    expect(payload.outputs).toHaveLength(4);
    const expected = await referenceShas(payload);
    db.$client.prepare("update jobs set max_attempts = ? where id = ?").run(ROUNDS + 2, jobId);

    for (let round = 0; round < ROUNDS; round++) {
      const victim = spawnWorker(dataDir, ["--poll-ms", "50", "--lease-seconds", "1", "--threads", "1"], { PMA_LAB_TEST_WRITE_DELAY_MS: "15" });
      // This round's own attempt must be writing (a killed round's partial is still lying there).
      const attempt = round + 1;
      await until(() => findJobById(db, jobId)!.claims === attempt && mergeEntries(dataDir).some((entry) => entry.includes(`.partial-a${attempt}.partial-`)), 20_000, 10);
      await sleep(Math.random() * 300);
      victim.child.kill("SIGKILL");
      await victim.exited;
      expect(listPublishedArtifacts(db).every((artifact) => !artifact.name.includes(".partial"))).toBe(true);
    }
    const finisher = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "1"]);
    expect((await finisher.exited).code, finisher.stderr()).toBe(0);

    const done = findJobById(db, jobId)!;
    expect(done.status).toBe("succeeded");
    const outcomes = listAttempts(db, jobId).map((attempt) => attempt.outcome);
    expect(outcomes).toEqual([...Array(ROUNDS).fill("expired"), "succeeded"]);
    const artifacts = listPublishedArtifacts(db);
    expect(artifacts).toHaveLength(4);
    for (const artifact of artifacts) expect(artifact.sha256).toBe(expected.get(artifact.recipeHash!));
    expect(mergeEntries(dataDir).sort()).toEqual([...expected.keys()].sort());
    const view = describeSweep(db, sweep.id, dataDir);
    expect(view.status).toBe("done");
    expect(view.cells.every((cell) => cell.status === "done" && cell.output?.sha256 === expected.get(cell.recipeHash!))).toBe(true);
    checkInvariants(db, dataDir);
  }, 60_000);
});

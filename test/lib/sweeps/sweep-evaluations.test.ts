import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../../db/client";
import { listCollectableArtifacts, listEvaluationsOfTarget, listJobs, listLatestMetrics, listSweeps } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { parseConfig } from "../../../lib/env";
import { loadEvaluators } from "../../../lib/eval/registry";
import { saveCheckpoint } from "../../../lib/lab/checkpoint-io";
import { BYTE_VOCAB, type ModelConfig } from "../../../lib/lab/config";
import { initWeights } from "../../../lib/lab/params";
import { parseSchemeList } from "../../../lib/merge/weights";
import { cancelJobIn } from "../../../lib/jobs/queue";
import { appendSweepCells, createSweep, enqueueSweepEvaluations, retrySweepCells } from "../../../lib/sweeps";
import { llamaTensorSpecs, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { runCli } from "../../helpers/cli";
import { FAKE_LM_EVAL, errorOf } from "../eval/helpers";
import { tempDataDir } from "../jobs/helpers";
import { checkInvariants } from "../../worker/helpers/invariants";
import { spawnWorker } from "../../worker/helpers/spawn";

const M = 1_000_000;
const grid = { points: [4 * M], ns: [2, 3, 9], intervals: [M], schemes: parseSchemeList("sma") };

async function setup() {
  const { db, dataDir } = tempDataDir("pma-sweep-eval-");
  const config = parseConfig({ PMA_LAB_DATA_DIR: dataDir });
  const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
  const mainDir = path.join(dataDir, "ckpt", "main");
  for (let i = 1; i <= 4; i++) await writeCheckpoint(path.join(mainDir, `step-${i * 1000}`), { seed: i, tensors });
  await registerCheckpoints(db, config, { directory: mainDir, run: "main", tokensPerStep: 1000 });
  // An annealed branch forked at 2M with a checkpoint at exactly T = 4M.
  const annealDir = path.join(dataDir, "ckpt", "anneal");
  for (const step of [3000, 4000]) await writeCheckpoint(path.join(annealDir, `step-${step}`), { seed: 100 + step, tensors });
  await registerCheckpoints(db, config, { directory: annealDir, run: "anneal", tokensPerStep: 1000, branchOf: "main", forkTokens: 2 * M, kind: "annealed" });
  const lmArgv = [process.execPath, FAKE_LM_EVAL, "--model", "hf", "--model_args", "pretrained={model}", "--tasks", "{tasks}", "--output_path", "{output}", "--device", "{device}"];
  fs.writeFileSync(
    path.join(dataDir, "evaluators.json"),
    JSON.stringify({
      evaluators: [{ name: "lm", kind: "lm-eval", timeoutSeconds: 60, settings: { argv: lmArgv, tasks: ["hellaswag", "mmlu", "wikitext"] } }],
      composites: [{ name: "overall", components: [{ metric: "hellaswag/acc", weight: 1 }, { metric: "mmlu/acc", weight: 2 }] }],
    }),
  );
  return { db, dataDir };
}

describe("sweeps with evaluators, end to end", () => {
  it("refuses an unknown evaluator before storing anything", async () => {
    const { db, dataDir } = await setup();
    const error = errorOf(() => createSweep(db, { run: "main", ...grid, evaluators: ["lm", "nope"] }, { dataDir }));
    expect(error).toMatchObject({ code: "eval_evaluator_unknown" });
    expect(error.message).toContain('no evaluator named "nope"');
    expect(listSweeps(db)).toHaveLength(0);
    expect(listJobs(db, {})).toHaveLength(0);
  });

  it("retrying a sweep's cells re-enqueues its failed evaluations", async () => {
    const { db, dataDir } = await setup();
    const created = createSweep(db, { run: "main", ...grid, evaluators: ["lm"] }, { dataDir });
    const evaluateJobs = listJobs(db, { kinds: ["evaluate"] });
    writeTransaction(db, (tx) => evaluateJobs.forEach((job) => cancelJobIn(tx, job.id, Date.now())));
    const baseline = created.baselines[0].checkpoint!;
    expect(listEvaluationsOfTarget(db, { checkpointId: baseline.id }).map((e) => e.status)).toEqual(["failed"]);
    retrySweepCells(db, created.id, undefined, { dataDir });
    expect(listEvaluationsOfTarget(db, { checkpointId: baseline.id }).map((e) => e.status)).toEqual(["queued"]);
    expect(listJobs(db, { kinds: ["evaluate"], statuses: ["queued"] })).toHaveLength(2);
  });

  it("scores merged cells and their baselines on a real worker; show --json carries metrics and deltas", async () => {
    const { db, dataDir } = await setup();
    const created = createSweep(db, { run: "main", ...grid, evaluators: ["lm"] }, { dataDir });
    expect(created.cells.filter((c) => c.feasible)).toHaveLength(2);
    // Two baselines (main at 4M, anneal at 4M) are queued at once; the merges' evaluations come when they publish.
    expect(listJobs(db, {}).filter((j) => j.kind === "evaluate")).toHaveLength(2);

    const worker = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "10"]);
    expect((await worker.exited).code).toBe(0);
    expect(listJobs(db, {}).filter((j) => j.kind === "evaluate").map((j) => j.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);

    const shown = runCli(["sweep", "show", String(created.id), "--json"], { PMA_LAB_DATA_DIR: dataDir, PMA_LAB_EVALUATORS: "" });
    expect(shown.status).toBe(0);
    const sweep = shown.json();
    const [baseline] = sweep.baselines;
    expect(baseline).toMatchObject({ point: 4 * M, checkpoint: { step: 4000 }, annealed: [{ run: "anneal", step: 4000 }] });
    const rows = listLatestMetrics(db, { checkpointIds: [baseline.checkpoint.id, baseline.annealed[0].checkpointId], recipeHashes: created.cells.flatMap((c) => (c.recipeHash ? [c.recipeHash] : [])) });
    const value = (match: (r: (typeof rows)[number]) => boolean, name: string) => rows.find((r) => match(r) && r.name === name)!.value;
    for (const cell of sweep.cells.filter((c: { feasible: boolean }) => c.feasible)) {
      expect(cell.status).toBe("done");
      const byName = new Map(cell.metrics.map((m: { name: string }) => [m.name, m]));
      for (const name of ["hellaswag/acc", "mmlu/acc", "wikitext/word_perplexity"]) {
        const metric = byName.get(name) as { value: number; deltaVsCheckpoint: number; deltaVsAnnealed: number };
        const own = value((r) => r.recipeHash === cell.recipeHash, name);
        expect(metric.value).toBe(own);
        expect(metric.deltaVsCheckpoint).toBeCloseTo(own - value((r) => r.checkpointId === baseline.checkpoint.id, name), 12);
        expect(metric.deltaVsAnnealed).toBeCloseTo(own - value((r) => r.checkpointId === baseline.annealed[0].checkpointId, name), 12);
      }
      expect(byName.get("wikitext/word_perplexity")).toMatchObject({ stderr: null, higherIsBetter: false });
      expect(byName.get("hellaswag/acc")).toMatchObject({ higherIsBetter: true, stderr: expect.any(Number) });
      const overall = byName.get("overall") as { value: number; composite: boolean };
      expect(overall.composite).toBe(true);
      expect(overall.value).toBeCloseTo((value((r) => r.recipeHash === cell.recipeHash, "hellaswag/acc") + 2 * value((r) => r.recipeHash === cell.recipeHash, "mmlu/acc")) / 3, 12);
    }
    expect(sweep.cells.find((c: { feasible: boolean }) => !c.feasible).metrics).toEqual([]);

    // Planning again enqueues nothing new: all is scored.
    const before = listJobs(db, {}).length;
    expect(writeTransaction(db, (tx) => enqueueSweepEvaluations(tx, created.id, dataDir, loadEvaluators(dataDir, {})))).toBe(0);
    appendSweepCells(db, created.id, { ...grid, evaluators: ["lm"] }, { dataDir });
    expect(listJobs(db, {}).length).toBe(before);
    // Every evaluation is finished, so gc may now collect the unkept merges (and would not have while they ran).
    expect(listCollectableArtifacts(db)).toHaveLength(2);
    checkInvariants(db, dataDir);
  }, 60_000);

  it("runs the built-in held-out loss on a sweep of reference-model checkpoints", async () => {
    const { db, dataDir } = tempDataDir("pma-sweep-builtin-");
    const tiny: ModelConfig = { vocabSize: BYTE_VOCAB, hidden: 16, intermediate: 32, layers: 1, heads: 2, maxPositions: 32, ropeTheta: 10000, rmsNormEps: 1e-5, tieWordEmbeddings: true, initStd: 0.02 };
    const runDir = path.join(dataDir, "ckpt", "lab");
    for (let i = 1; i <= 3; i++) await saveCheckpoint(runDir, i * 1000, { weights: initWeights(tiny, i), config: tiny });
    await registerCheckpoints(db, parseConfig({ PMA_LAB_DATA_DIR: dataDir }), { directory: runDir, run: "lab", tokensPerStep: 1000 });
    fs.writeFileSync(path.join(dataDir, "evaluators.json"), JSON.stringify({ evaluators: [{ name: "loss", kind: "builtin-loss", timeoutSeconds: 60, settings: { sequences: 4, seqLen: 16, batch: 4 } }] }));
    const created = createSweep(db, { run: "lab", points: [3 * M], ns: [2], intervals: [M], schemes: parseSchemeList("sma"), evaluators: ["loss"] }, { dataDir });
    const worker = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "10"]);
    expect((await worker.exited).code).toBe(0);
    const sweep = runCli(["sweep", "show", String(created.id), "--json"], { PMA_LAB_DATA_DIR: dataDir, PMA_LAB_EVALUATORS: "" }).json();
    const loss = sweep.cells[0].metrics.find((m: { name: string }) => m.name === "heldout/loss");
    const own = sweep.baselines[0].checkpoint.metrics.find((m: { name: string }) => m.name === "heldout/loss");
    expect(loss).toMatchObject({ stderr: null, higherIsBetter: false });
    expect(loss.deltaVsCheckpoint).toBeCloseTo(loss.value - own.value, 12);
    expect(loss.deltaVsAnnealed).toBeNull();
    // "Keep the best k" by that metric marks the scored cell's model as kept.
    const kept = runCli(["sweep", "keep", String(created.id), "--best", "1", "--metric", "heldout/loss", "--json"], { PMA_LAB_DATA_DIR: dataDir, PMA_LAB_EVALUATORS: "" });
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.json().kept).toEqual([sweep.cells[0].id]);
    const after = runCli(["sweep", "show", String(created.id), "--json"], { PMA_LAB_DATA_DIR: dataDir, PMA_LAB_EVALUATORS: "" }).json();
    expect(after.cells[0].keep).toBe(true);
  }, 60_000);
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, findRunByName, listPublishedArtifacts } from "../../db/queries";
import { registerCheckpoints } from "../../lib/checkpoints/register";
import { parseConfig } from "../../lib/env";
import { LINEAGE_FILE, lineageSchema } from "../../lib/init/lineage";
import { startPmaInit } from "../../lib/init/start";
import { describeRunLineage, listRunInits } from "../../lib/init/view";
import { decodeFloats, llamaTensorSpecs, writeCheckpoint } from "../helpers/checkpoint-fixtures";
import { runCli } from "../helpers/cli";
import { readTensors } from "../lib/merge/execute-fixtures";
import { tempDataDir } from "../lib/jobs/helpers";
import { spawnWorker } from "./helpers/spawn";

const TOKENS_PER_STEP = 1000;
const STEPS = [100, 200, 300, 400, 500, 600];

/** A run of tiny real F32 checkpoints with tokenizer files, and a loss log that spikes at step 450 and stays up. */
async function writeUnstableRun(dir: string): Promise<void> {
  const tensors = llamaTensorSpecs({ layers: 1, hidden: 16, intermediate: 32, vocab: 64, dtype: "F32" });
  const extraFiles = { "tokenizer.json": '{"version":"1.0"}\n', "tokenizer_config.json": '{"model_max_length":128}\n', "generation_config.json": "{}\n", "optimizer.pt": "not copied" };
  for (const step of STEPS) await writeCheckpoint(path.join(dir, `step-${step}`), { tensors, seed: step, extraFiles });
  const lines = [];
  for (let step = 5; step <= 600; step += 5) lines.push(JSON.stringify({ step, loss: (2.5 + 2 / Math.sqrt(step / 5)) * (step >= 450 ? 1.5 : 1) }));
  fs.writeFileSync(path.join(dir, "train_log.jsonl"), `${lines.join("\n")}\n`);
}

describe("PMA-init on a real worker", () => {
  it("publishes a ready-to-resume checkpoint with its lineage, and a run registered from it records that lineage", async () => {
    const { db, dataDir } = tempDataDir("pma-init-worker-");
    const runDir = path.join(dataDir, "ckpt", "unstable");
    await writeUnstableRun(runDir);
    const config = parseConfig({ PMA_LAB_DATA_DIR: dataDir });
    await registerCheckpoints(db, config, { directory: runDir, run: "lab/unstable", tokensPerStep: TOKENS_PER_STEP });

    const started = startPmaInit(db, { run: "lab/unstable", target: { spike: 1 } }, { dataDir });
    expect(started.status).toBe("queued");
    expect(started.plan.anchor).toMatchObject({ kind: "spike", startStep: 450 });
    expect(started.plan.selection.inputs.map((input) => input.step)).toEqual([200, 300, 400]);

    const worker = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--threads", "1"]);
    expect((await worker.exited).code, worker.stderr()).toBe(0);
    expect(findJobById(db, started.jobId!)!.status).toBe("succeeded");

    // Published whole, in HF layout: weights, config and tokenizer files of the newest input, provenance, lineage.
    const dir = started.path;
    expect(fs.readdirSync(dir).sort()).toEqual(["config.json", "generation_config.json", "model.safetensors", LINEAGE_FILE, "pma-merge.json", "tokenizer.json", "tokenizer_config.json"]);
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) {
      expect(fs.readFileSync(path.join(dir, file), "utf8")).toBe(fs.readFileSync(path.join(runDir, "step-400", file), "utf8"));
    }
    const [artifact] = listPublishedArtifacts(db);
    expect(artifact).toMatchObject({ name: `inits/${started.recipeHash}`, kind: "merge", recipeHash: null });
    expect(artifact.files.sort()).toEqual(fs.readdirSync(dir).sort());
    expect(artifact.bytes).toBe(fs.readdirSync(dir).reduce((total, file) => total + fs.statSync(path.join(dir, file)).size, 0));

    const lineage = lineageSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, LINEAGE_FILE), "utf8")));
    expect(lineage).toMatchObject({
      recipeHash: started.recipeHash,
      source: { run: "lab/unstable" },
      anchor: { kind: "spike", index: 1, startStep: 450 },
      label: "SMA of steps 200, 300, 400 (k=3)",
      k: 3,
      resumeAt: { step: 400, tokens: 400 * TOKENS_PER_STEP },
    });
    expect(lineage.checkpoints.map((c) => [c.step, c.path, c.weight])).toEqual([200, 300, 400].map((step) => [step, fs.realpathSync(path.join(runDir, `step-${step}`)), 1 / 3]));

    // The weights are the SMA of the three inputs: float64 sum of w·x, oldest first, rounded once to F32.
    const merged = await readTensors(dir);
    const inputs = await Promise.all([200, 300, 400].map((step) => readTensors(path.join(runDir, `step-${step}`))));
    expect([...merged.keys()].sort()).toEqual([...inputs[0].keys()].sort());
    for (const [name, bytes] of merged) {
      const got = decodeFloats(bytes, "F32");
      const parts = inputs.map((input) => decodeFloats(input.get(name)!, "F32"));
      const expected = got.map((_, i) => Math.fround(parts.reduce((sum, part) => sum + (1 / 3) * part[i], -0)));
      expect(Array.from(got), name).toEqual(Array.from(expected));
    }

    // A run resumed from the checkpoint, registered through the real CLI with --init-from, shows the lineage.
    const resumedDir = path.join(dataDir, "ckpt", "resumed");
    fs.mkdirSync(path.join(resumedDir, "step-500"), { recursive: true });
    for (const file of ["model.safetensors", "config.json"]) fs.copyFileSync(path.join(dir, file), path.join(resumedDir, "step-500", file));
    const env = { PMA_LAB_DATA_DIR: dataDir };
    const scanned = runCli(["scan", resumedDir, "--run", "lab/unstable-pma-init", "--branch-of", "lab/unstable", "--fork-tokens", "400000", "--init-from", dir, "--json"], env);
    expect(scanned.status, scanned.stderr).toBe(0);
    expect(scanned.json().initRecipeHash).toBe(started.recipeHash);
    const resumed = findRunByName(db, "lab/unstable-pma-init")!;
    expect(resumed.initRecipeHash).toBe(started.recipeHash);
    expect(describeRunLineage(db, resumed, dataDir)).toMatchObject({ scheme: "SMA", k: 3, source: { name: "lab/unstable" }, steps: [200, 300, 400], path: dir });
    expect(listRunInits(db, findRunByName(db, "lab/unstable")!.id, dataDir)[0]).toMatchObject({ status: "published", path: dir, resumedBy: ["lab/unstable-pma-init"] });

    // The recipe hash (or a prefix) works as well; a hash nobody stored, or a directory that is no merge, is refused.
    expect(runCli(["scan", resumedDir, "--run", "lab/by-hash", "--init-from", started.recipeHash.slice(0, 10), "--json"], env).json().initRecipeHash).toBe(started.recipeHash);
    const unknown = runCli(["scan", resumedDir, "--run", "lab/bad", "--init-from", "0123456789abcdef", "--json"], env);
    expect(unknown.status).toBe(1);
    expect(unknown.json().error.code).toBe("init_recipe_not_found");
    const notMerge = runCli(["scan", resumedDir, "--run", "lab/bad", "--init-from", runDir, "--json"], env);
    expect(notMerge.json().error.code).toBe("init_from_invalid");
    expect(findRunByName(db, "lab/bad")).toBeUndefined();
  }, 120_000);
});

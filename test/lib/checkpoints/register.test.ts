import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../db/client";
import { findRunByName, listCheckpoints, listLogSeries, listRuns } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import type { Config } from "../../../lib/env";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../../helpers/checkpoint-fixtures";

const tiny = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });

async function writeRun(dir: string, steps: number[], options: { layout?: (step: number) => string; shards?: number } = {}) {
  const name = options.layout ?? ((step: number) => `checkpoint-${step}`);
  for (const step of steps) await writeCheckpoint(path.join(dir, name(step)), { tensors: tiny, seed: step, shards: options.shards });
  fs.writeFileSync(
    path.join(dir, "train_log.jsonl"),
    steps.flatMap((step) => [JSON.stringify({ step: step - 5, loss: 5 - step / 1000, lr: step < 200 ? 1e-3 * (step / 200) : 1e-3, grad_norm: 1.5 })]).join("\n"),
  );
  return dir;
}

describe("registering a run's checkpoints", () => {
  let base: string;
  let db: Db;
  let config: Config;

  beforeEach(() => {
    base = makeTempDir("pma-register-");
    const dataDir = path.join(base, "data");
    config = { dataDir, databasePath: path.join(dataDir, "db.sqlite"), roots: [dataDir, path.join(base, "ckpt")] };
    db = openDatabase(config.databasePath);
  });

  it.each([
    ["HF Trainer", (step: number) => `checkpoint-${step}`],
    ["step-N", (step: number) => `step-${step}`],
    ["step_N", (step: number) => `step_${step}`],
    ["iter_N zero-padded", (step: number) => `iter_${String(step).padStart(7, "0")}`],
    ["global_stepN", (step: number) => `global_step${step}`],
  ])("finds the %s layout with tokens, LR and phase", async (_label, layout) => {
    const dir = await writeRun(path.join(base, "ckpt", "run"), [100, 200, 300], { layout });
    const result = await registerCheckpoints(db, config, { directory: dir, run: "main", tokensPerStep: 4096, schedule: "warmup:150,stable:250,decay:300" });
    expect(result.added).toBe(3);
    expect(result.rejected).toEqual([]);
    expect(result.checkpoints.map((c) => [c.step, c.tokens, c.phase])).toEqual([
      [100, 409600, "warmup"],
      [200, 819200, "stable"],
      [300, 1228800, "decay"],
    ]);
    expect(result.checkpoints[1].lr).toBe(1e-3);
    expect(result.checkpoints[0].params).toBeGreaterThan(0);
    expect(listLogSeries(db, findRunByName(db, "main")!.id).loss).toHaveLength(3);
  });

  it("registers sharded checkpoints with their shard list", async () => {
    const dir = await writeRun(path.join(base, "ckpt", "sharded"), [10, 20], { shards: 3 });
    await registerCheckpoints(db, config, { directory: dir, run: "sharded", tokensPerStep: 10 });
    const rows = listCheckpoints(db, findRunByName(db, "sharded")!.id);
    expect(rows.map((row) => row.format)).toEqual(["safetensors-sharded", "safetensors-sharded"]);
    expect(rows[0].shards).toHaveLength(3);
    expect(rows[0].bytes).toBe(rows[0].shards.reduce((sum, shard) => sum + shard.bytes, 0));
  });

  it("rescans idempotently: new ones added, vanished ones flagged, nothing duplicated", async () => {
    const dir = await writeRun(path.join(base, "ckpt", "run"), [100, 200]);
    await registerCheckpoints(db, config, { directory: dir, run: "main", tokensPerStep: 1 });
    const again = await registerCheckpoints(db, config, { directory: dir, run: "main" });
    expect([again.added, again.updated, again.missing]).toEqual([0, 0, 0]);
    await writeCheckpoint(path.join(dir, "checkpoint-300"), { tensors: tiny, seed: 3 });
    fs.rmSync(path.join(dir, "checkpoint-100"), { recursive: true });
    const third = await registerCheckpoints(db, config, { directory: dir, run: "main" });
    expect([third.added, third.missing]).toEqual([1, 1]);
    const run = findRunByName(db, "main")!;
    expect(listCheckpoints(db, run.id).map((row) => [row.step, row.tokens])).toEqual([
      [200, 200],
      [300, 300],
    ]);
    expect(listCheckpoints(db, run.id, { includeMissing: true })).toHaveLength(3);
  });

  it("records a branch forked from its parent", async () => {
    const parent = await writeRun(path.join(base, "ckpt", "main"), [100, 200]);
    const branch = await writeRun(path.join(base, "ckpt", "anneal"), [250, 300]);
    await registerCheckpoints(db, config, { directory: parent, run: "main", tokensPerStep: 1 });
    await registerCheckpoints(db, config, { directory: branch, run: "anneal-200", tokensPerStep: 1, branchOf: "main", forkTokens: 200, kind: "annealed" });
    const summary = listRuns(db).find((run) => run.name === "anneal-200")!;
    expect([summary.parentName, summary.forkTokens, summary.kind]).toEqual(["main", 200, "annealed"]);
    await expect(registerCheckpoints(db, config, { directory: branch, run: "x", branchOf: "nope", forkTokens: 1 })).rejects.toMatchObject({ code: "run_not_found" });
  });

  describe("bad input", () => {
    it("an empty directory or an unknown layout names what it expected", async () => {
      const empty = path.join(base, "ckpt", "empty");
      fs.mkdirSync(path.join(empty, "weights-final"), { recursive: true });
      await expect(registerCheckpoints(db, config, { directory: empty, run: "r" })).rejects.toMatchObject({
        code: "scan_no_checkpoints",
        message: expect.stringMatching(/found weights-final; expected checkpoint-<step>/),
      });
    });

    it("a single checkpoint directory is pointed at its parent", async () => {
      const single = await writeCheckpoint(path.join(base, "ckpt", "one"), { tensors: tiny, seed: 1 });
      await expect(registerCheckpoints(db, config, { directory: single, run: "r" })).rejects.toMatchObject({ code: "scan_single_checkpoint" });
    });

    it("a path outside the roots is refused and nothing is recorded", async () => {
      const elsewhere = await writeRun(path.join(base, "elsewhere"), [1, 2]);
      await expect(registerCheckpoints(db, config, { directory: elsewhere, run: "r" })).rejects.toMatchObject({ code: "path_outside_roots" });
      expect(listRuns(db)).toEqual([]);
    });

    it("malformed, truncated, LFS-pointer, disagreeing and escaping checkpoints are rejected with reasons; the rest register", async () => {
      const dir = await writeRun(path.join(base, "ckpt", "mixed"), [10, 20, 30, 40, 50, 60, 70, 80, 90]);
      const weights = (step: number) => path.join(dir, `checkpoint-${step}`, "model.safetensors");
      fs.truncateSync(weights(20), fs.statSync(weights(20)).size - 3);
      fs.writeFileSync(weights(30), "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");
      fs.rmSync(path.join(dir, "checkpoint-40"), { recursive: true });
      await writeCheckpoint(path.join(dir, "checkpoint-40"), { tensors: llamaTensorSpecs({ layers: 2, hidden: 8, intermediate: 16, vocab: 32 }), seed: 4 });
      const outsideDir = await writeCheckpoint(path.join(base, "elsewhere", "step"), { tensors: tiny, seed: 5 });
      fs.rmSync(path.join(dir, "checkpoint-50"), { recursive: true });
      fs.symlinkSync(outsideDir, path.join(dir, "checkpoint-50"));
      fs.writeFileSync(weights(60), Buffer.from([1, 2, 3]));

      const result = await registerCheckpoints(db, config, { directory: dir, run: "mixed", tokensPerStep: 1 });
      expect(result.checkpoints.map((c) => c.step)).toEqual([10, 70, 80, 90]);
      const reasons = Object.fromEntries(result.rejected.map((r) => [path.basename(r.path), r.code]));
      expect(reasons).toMatchObject({
        "checkpoint-30": "st_lfs_pointer",
        "checkpoint-40": "checkpoint_tensors_disagree",
        "checkpoint-50": "path_outside_roots",
        "checkpoint-60": "st_file_too_small",
      });
      expect(reasons["checkpoint-20"]).toMatch(/^st_/);
      for (const rejection of result.rejected) expect(rejection.reason.length).toBeGreaterThan(10);
      expect(result.warnings.join("\n")).toMatch(/gap in steps: nothing between 10 and 70/);
    });
  });
});

describe("full content hashes", () => {
  it("hashes on demand, skips what is hashed, and forgets a hash when the files change", async () => {
    const { hashRunCheckpoints, sha256File } = await import("../../../lib/checkpoints/hash");
    const base = makeTempDir("pma-hash-");
    const dataDir = path.join(base, "data");
    const config: Config = { dataDir, databasePath: path.join(dataDir, "db.sqlite"), roots: [dataDir, path.join(base, "ckpt")] };
    const db = openDatabase(config.databasePath);
    const dir = path.join(base, "ckpt", "run");
    await writeCheckpoint(path.join(dir, "step-1"), { tensors: tiny, seed: 1 });
    await writeCheckpoint(path.join(dir, "step-2"), { tensors: tiny, seed: 2, shards: 2 });
    await registerCheckpoints(db, config, { directory: dir, run: "r" });
    const hashed = await hashRunCheckpoints(db, config.roots, "r");
    expect(hashed.map((h) => h.step)).toEqual([1, 2]);
    expect(hashed[0].sha256).toBe(await sha256File(path.join(dir, "step-1", "model.safetensors")));
    expect(await hashRunCheckpoints(db, config.roots, "r")).toEqual([]);
    fs.rmSync(path.join(dir, "step-1"), { recursive: true });
    await writeCheckpoint(path.join(dir, "step-1"), { tensors: tiny, seed: 99 });
    await registerCheckpoints(db, config, { directory: dir, run: "r" });
    const rehashed = await hashRunCheckpoints(db, config.roots, "r");
    expect(rehashed.map((h) => h.step)).toEqual([1]);
    expect(rehashed[0].sha256).not.toBe(hashed[0].sha256);
    await expect(hashRunCheckpoints(db, config.roots, "nope")).rejects.toMatchObject({ code: "run_not_found" });
  });
});

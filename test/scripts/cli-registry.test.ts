import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";

describe("pma-lab CLI: scan, inspect, runs", () => {
  let base: string;
  let env: Record<string, string>;
  let runDir: string;

  beforeAll(async () => {
    base = makeTempDir("pma-cli-");
    runDir = path.join(base, "ckpt", "main");
    env = { PMA_LAB_DATA_DIR: path.join(base, "data"), PMA_LAB_ROOTS: path.join(base, "ckpt") };
    const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
    for (const step of [100, 200, 300]) await writeCheckpoint(path.join(runDir, `step-${step}`), { tensors, seed: step, shards: step === 300 ? 2 : 1 });
    fs.writeFileSync(path.join(runDir, "train_log.csv"), "step,loss,lr,grad_norm\n100,4.1,0.001,1.1\n200,3.9,0.001,1.0\n300,3.8,0.0005,0.9\n");
  });

  it("scan --json prints the documented document", () => {
    const result = runCli(["scan", runDir, "--run", "main", "--tokens-per-step", "2048", "--schedule", "warmup:50,stable:250", "--json"], env);
    expect(result.status, result.stderr).toBe(0);
    const body = result.json();
    expect(body).toMatchObject({ run: "main", added: 3, rejected: [] });
    expect(body.checkpoints.map((c: { step: number; tokens: number; phase: string; lr: number }) => [c.step, c.tokens, c.phase, c.lr])).toEqual([
      [100, 204800, "stable", 0.001],
      [200, 409600, "stable", 0.001],
      [300, 614400, "decay", 0.0005],
    ]);
    for (const checkpoint of body.checkpoints) expect(Object.keys(checkpoint)).toEqual(expect.arrayContaining(["step", "tokens", "lr", "phase", "path", "bytes", "params"]));
  });

  it("runs --json lists the run; the human form is a table", () => {
    const json = runCli(["runs", "--json"], env).json();
    expect(json.runs.map((run: { name: string; checkpointCount: number }) => [run.name, run.checkpointCount])).toEqual([["main", 3]]);
    const human = runCli(["runs"], env);
    expect(human.stdout).toMatch(/^run\s+kind/m);
    expect(human.stdout).toMatch(/main/);
  });

  it("inspect describes a checkpoint directory and a single file", () => {
    const dir = runCli(["inspect", path.join(runDir, "step-300"), "--json"], env).json();
    expect(dir.format).toBe("safetensors-sharded");
    expect(dir.shards).toHaveLength(2);
    expect(dir.tensors.find((t: { name: string }) => t.name === "model.norm.weight")).toMatchObject({ dtype: "BF16", shape: [8] });
    const file = runCli(["inspect", path.join(runDir, "step-100", "model.safetensors")], env);
    expect(file.status).toBe(0);
    expect(file.stdout).toMatch(/model\.embed_tokens\.weight\s+BF16\s+\[32, 8\]/);
  });

  it("exits non-zero with a clear message on a malformed file, and --json carries the error code", () => {
    const bad = path.join(base, "ckpt", "bad.safetensors");
    fs.writeFileSync(bad, Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]), Buffer.from("{}")]));
    const human = runCli(["inspect", bad], env);
    expect(human.status).toBe(1);
    expect(human.stderr).toMatch(/^pma-lab: .*st_header/m);
    const json = runCli(["inspect", bad, "--json"], env);
    expect(json.json().error.code).toMatch(/^st_header/);
  });

  it("refuses a path outside the roots and bad arguments with clear messages", () => {
    const outside = runCli(["scan", "/etc", "--run", "x", "--json"], env);
    expect(outside.status).toBe(1);
    expect(outside.json().error).toMatchObject({ code: "path_outside_roots" });
    const badSchedule = runCli(["scan", runDir, "--run", "x", "--schedule", "nonsense"], env);
    expect(badSchedule.status).toBe(1);
    expect(badSchedule.stderr).toMatch(/--schedule: expected warmup:W,stable:S/);
    const branch = runCli(["scan", runDir, "--run", "x", "--branch-of", "main"], env);
    expect(branch.stderr).toMatch(/a branch needs both --branch-of and --fork-tokens/);
  });
});

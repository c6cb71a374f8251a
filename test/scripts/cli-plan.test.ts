import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";

describe("pma-lab plan and export-recipe", () => {
  let env: Record<string, string>;
  let runDir: string;

  beforeAll(async () => {
    const base = makeTempDir("pma-plan-");
    runDir = path.join(base, "ckpt", "main");
    env = { PMA_LAB_DATA_DIR: path.join(base, "data"), PMA_LAB_ROOTS: path.join(base, "ckpt") };
    const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
    for (const step of [100, 200, 300, 400, 500, 600]) await writeCheckpoint(path.join(runDir, `step-${step}`), { tensors, seed: step });
    expect(runCli(["scan", runDir, "--run", "main", "--tokens-per-step", "1000"], env).status).toBe(0);
  });

  it("lists every cell with its checkpoints and weights, and infeasible cells with their reason", () => {
    const result = runCli(["plan", "--run", "main", "--points", "600K,300K", "--n", "3,4", "--interval", "100K", "--schemes", "sma,wma", "--json"], env);
    expect(result.status, result.stderr).toBe(0);
    const body = result.json();
    expect(body.cells).toHaveLength(8);
    const wma = body.cells.find((c: { point: number; n: number; scheme: string }) => c.point === 600_000 && c.n === 3 && c.scheme === "wma");
    expect(wma.inputs.map((input: { step: number; weight: number }) => [input.step, Number(input.weight.toFixed(4))])).toEqual([
      [400, 0.1667],
      [500, 0.3333],
      [600, 0.5],
    ]);
    const early = body.cells.find((c: { point: number; n: number }) => c.point === 300_000 && c.n === 4);
    expect(early.feasible).toBe(false);
    expect(early.reason).toMatch(/T − 3V|before|at most N = 3/);
    const human = runCli(["plan", "--run", "main", "--points", "600K", "--n", "3", "--interval", "1", "--tolerance", "0"], env);
    expect(human.stdout).toMatch(/infeasible: /);
  });

  it("exports a stored recipe as mergekit YAML by a hash prefix", () => {
    const created = runCli(["sweep", "create", "--run", "main", "--points", "600K", "--n", "2", "--interval", "100K", "--schemes", "sma", "--json"], env);
    expect(created.status, created.stderr).toBe(0);
    const hash: string = created.json().cells[0].recipeHash;
    const exported = runCli(["export-recipe", hash.slice(0, 10), "--format", "mergekit"], env);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/merge_method: linear/);
    expect(exported.stdout).toContain(JSON.stringify(path.join(runDir, "step-500")));
    expect(exported.stdout).toMatch(/weight: 0\.5/);
    expect(exported.stdout).toMatch(/out_dtype: bfloat16/);
    expect(runCli(["export-recipe", "abcdef0123"], env).stderr).toMatch(/No recipe whose hash starts with abcdef0123/);
    expect(runCli(["export-recipe", "../x"], env).status).toBe(1);
  });
});

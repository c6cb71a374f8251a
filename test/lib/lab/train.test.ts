import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint } from "../../../lib/lab/checkpoint-io";
import { lrAt, phaseAt } from "../../../lib/lab/schedule";
import { listCompleteCheckpoints, trainRun } from "../../../lib/lab/train";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";
import { tinyPlan } from "./tiny";

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("lab training", () => {
  it("learns: the loss falls, and logs and checkpoints land where the scanner looks", async () => {
    const dir = makeTempDir("pma-lab-train-");
    const losses: number[] = [];
    const result = await trainRun(tinyPlan(dir, { endStep: 60, checkpointEvery: 20 }), { onStep: (s) => losses.push(s.loss) });
    expect(result).toMatchObject({ status: "complete", lastStep: 60, resumedFrom: null });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 5)) - 1);
    expect(await listCompleteCheckpoints(dir)).toEqual([20, 40, 60]);
    const log = (await readFile(join(dir, "train_log.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(log).toHaveLength(60);
    expect(log[9]).toEqual({ step: 10, tokens: 10 * 64, loss: expect.any(Number), lr: expect.any(Number), grad_norm: expect.any(Number) });
  });

  it("resumes an interrupted run to exactly the result of an uninterrupted one", async () => {
    const whole = makeTempDir("pma-lab-whole-");
    await trainRun(tinyPlan(whole));
    const split = makeTempDir("pma-lab-split-");
    let steps = 0;
    // Stop after step 15: the checkpoint at 10 survives, steps 11–15 are lost and redone.
    const first = await trainRun(tinyPlan(split), { shouldStop: () => ++steps >= 15 });
    expect(first).toMatchObject({ status: "stopped", lastStep: 15, checkpoints: [10] });
    await writeFile(join(split, "train_log.jsonl"), `${await readFile(join(split, "train_log.jsonl"), "utf8")}{"step": 16, "tok`); // a torn line
    const second = await trainRun(tinyPlan(split));
    expect(second).toMatchObject({ status: "complete", resumedFrom: 10, lastStep: 30 });
    const a = await loadCheckpoint(join(whole, "step-30"), { optimizer: true });
    const b = await loadCheckpoint(join(split, "step-30"), { optimizer: true });
    for (const [name, values] of a.weights) expect(bits(b.weights.get(name)!)).toEqual(bits(values));
    for (const [name, values] of a.optimizer!.v) expect(bits(b.optimizer!.v.get(name)!)).toEqual(bits(values));
    expect(await readFile(join(split, "train_log.jsonl"), "utf8")).toBe(await readFile(join(whole, "train_log.jsonl"), "utf8"));
    // A finished run is not trained again.
    expect(await trainRun(tinyPlan(split))).toMatchObject({ status: "complete", resumedFrom: 30 });
  });

  it("forks a branch from a checkpoint and continues the step numbering", async () => {
    const dir = makeTempDir("pma-lab-fork-");
    await trainRun(tinyPlan(join(dir, "main"), { endStep: 20 }));
    const branch = await trainRun(
      tinyPlan(join(dir, "branch"), {
        run: "branch",
        init: { kind: "checkpoint", dir: join(dir, "main", "step-10"), optimizer: "keep" },
        startStep: 10,
        endStep: 20,
        schedule: { ...tinyPlan(dir).schedule, decayFrom: 10, decaySteps: 10, minLr: 1e-4 },
      }),
    );
    expect(branch.checkpoints).toEqual([20]);
    const log = (await readFile(join(dir, "branch", "train_log.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(log[0].step).toBe(11);
    expect(log[9].lr).toBeCloseTo(1e-4, 10);
  });

  it("refuses a lab directory that cannot be written", async () => {
    const base = makeTempDir("pma-lab-ro-");
    await writeFile(join(base, "blocker"), "a file where the lab directory should go");
    await expect(trainRun(tinyPlan(join(base, "blocker", "run")))).rejects.toMatchObject({ code: "lab_dir_not_writable" });
  });
});

describe("the WSD schedule", () => {
  const schedule = { peak: 1, warmupSteps: 10, warmupFrom: 0, decayFrom: 100, decaySteps: 50, minLr: 0.01, shape: "cosine" as const };
  it("warms up linearly, holds, then decays to the floor", () => {
    expect(lrAt(schedule, 5)).toBeCloseTo(0.5);
    expect(lrAt(schedule, 50)).toBe(1);
    expect(lrAt(schedule, 125)).toBeCloseTo(0.505);
    expect(lrAt(schedule, 150)).toBeCloseTo(0.01);
    expect(lrAt(schedule, 400)).toBeCloseTo(0.01);
    expect([phaseAt(schedule, 5), phaseAt(schedule, 50), phaseAt(schedule, 101)]).toEqual(["warmup", "stable", "decay"]);
  });
  it("re-warms a restart into its original schedule", () => {
    const restart = { ...schedule, rewarm: { from: 60, steps: 10 } };
    expect(lrAt(restart, 61)).toBeCloseTo(0.1);
    expect(lrAt(restart, 70)).toBe(1);
  });
});

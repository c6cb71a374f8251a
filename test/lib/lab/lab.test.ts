import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runScienceCheck } from "../../../lib/lab/check";
import { clearMergeCache } from "../../../lib/lab/check-context";
import type { TrainerHandle } from "../../../lib/lab/child-process";
import { runLab, type LabStatus } from "../../../lib/lab/lab";
import { planLab, registrationRequest } from "../../../lib/lab/runs";
import { LAB_SCALES, type LabScale } from "../../../lib/lab/scales";
import { trainRun, type TrainHooks, type TrainPlan } from "../../../lib/lab/train";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";
import { TINY_MODEL } from "./tiny";

/** The lab's shape at toy size: every kind of run, a few seconds in-process. */
const TINY_SCALE: LabScale = {
  ...LAB_SCALES.ci,
  name: "tiny",
  model: TINY_MODEL,
  batch: 4,
  seqLen: 16,
  checkpointEvery: 5,
  main: { steps: 80, warmup: 5, lr: 1e-2 },
  branches: { forks: [40, 55], decaySteps: 20, minLrRatio: 0.01 },
  unstable: { ...LAB_SCALES.ci.unstable, steps: 40, warmup: 40, lr: 1, checkpointEvery: 5 },
  restart: { steps: 10, warmup: 2, window: 3 },
  eval: { sequences: 8, seqLen: 16, batch: 8 },
};

function inProcess(started: string[]) {
  return (plan: TrainPlan, hooks: Omit<TrainHooks, "shouldStop">): TrainerHandle => {
    started.push(plan.run);
    let stop = false;
    return { done: trainRun(plan, { ...hooks, shouldStop: () => stop }), stop: () => (stop = true) };
  };
}

describe("the lab runner", () => {
  const dir = makeTempDir("pma-lab-lab-");
  const started: string[] = [];
  let status: LabStatus;
  const checkpointsSeen: string[] = [];

  beforeAll(async () => {
    status = await runLab({ scale: TINY_SCALE, dir, workers: 2 }, { startRun: inProcess(started), onCheckpoint: (_lab, run, step) => void checkpointsSeen.push(`${run.name}@${step}`) });
  }, 120_000);

  it("trains every run of the plan, branches after their fork checkpoint exists", () => {
    expect(status.complete).toBe(true);
    expect(status.runs.map((r) => r.name).slice(0, 4)).toEqual(["main", "annealed-40", "annealed-55", "unstable"]);
    expect(started.slice(0, 2).sort()).toEqual(["main", "unstable"]);
    expect(checkpointsSeen.indexOf("main@40")).toBeLessThan(checkpointsSeen.indexOf("annealed-40@45"));
    expect(checkpointsSeen).toContain("annealed-55@75");
  });

  it("skips finished runs on a second call", async () => {
    const again: string[] = [];
    const second = await runLab({ scale: TINY_SCALE, dir }, { startRun: inProcess(again) });
    expect(again).toEqual([]);
    expect(second.runs.map((r) => r.status)).toEqual(status.runs.map((r) => r.status));
  });

  it("refuses to mix two lab configurations in one directory", async () => {
    await expect(runLab({ scale: { ...TINY_SCALE, seed: 99 }, dir }, { startRun: inProcess([]) })).rejects.toMatchObject({ code: "lab_dir_conflict" });
  });

  it("runs the science check on what is on disk (the tiny lab proves nothing, but every number is computed)", async () => {
    const report = await runScienceCheck(dir);
    expect(report.assertions.length).toBe(3 + 2 + 1);
    expect(report.stable.points.length + report.stable.earlyPoints.length).toBeGreaterThan(0);
    expect(report.branches.map((b) => b.run)).toEqual(["annealed-40", "annealed-55"]);
    for (const b of report.branches) expect(Number.isFinite(b.annealed) && Number.isFinite(b.merged)).toBe(true);
    expect(JSON.parse(JSON.stringify(report)).lab.scale).toBe("tiny");
  }, 60_000);

  it("gives the registry one request per run, with lineage and tokens per step", () => {
    const lab = planLab(TINY_SCALE, dir);
    const branch = registrationRequest(lab, lab.runs[1]);
    expect(branch).toEqual({ directory: join(dir, "annealed-40"), run: "lab-tiny/annealed-40", tokensPerStep: 64, kind: "annealed", branchOf: "lab-tiny/main", forkTokens: 40 * 64 });
    expect(registrationRequest(lab, lab.runs[0])).toEqual({ directory: join(dir, "main"), run: "lab-tiny/main", tokensPerStep: 64, kind: "constant" });
  });

  it("explains missing, incomplete and corrupt lab files", async () => {
    clearMergeCache();
    await expect(runScienceCheck(join(dir, "nowhere"))).rejects.toMatchObject({ code: "lab_missing_file", message: expect.stringMatching(/pma-lab lab/) });
    const copy = makeTempDir("pma-lab-bad-");
    await writeFile(join(copy, "lab.json"), "{ not json");
    await expect(runScienceCheck(copy)).rejects.toMatchObject({ code: "lab_bad_manifest" });
    await writeFile(join(copy, "lab.json"), await readFile(join(dir, "lab.json"), "utf8"));
    await expect(runScienceCheck(copy)).rejects.toMatchObject({ code: "lab_missing_file", message: expect.stringMatching(/not finished/) });
    await writeFile(join(copy, "lab-status.json"), JSON.stringify({ ...status, complete: false }));
    await expect(runScienceCheck(copy)).rejects.toMatchObject({ code: "lab_incomplete" });
    await writeFile(join(copy, "lab-status.json"), JSON.stringify(status));
    await expect(runScienceCheck(copy)).rejects.toMatchObject({ code: "lab_missing_run", message: expect.stringContaining("main") });
  });

  it("reports a corrupt training log with its line number", async () => {
    const log = join(dir, "unstable", "train_log.jsonl");
    const text = await readFile(log, "utf8");
    await writeFile(log, `${text}{"step": oops}\n`);
    try {
      await expect(runScienceCheck(dir)).rejects.toMatchObject({ code: "lab_bad_log", message: expect.stringMatching(/line \d+/) });
    } finally {
      await writeFile(log, text);
    }
  });

  it("fails the whole lab when a run fails, leaving what was written resumable", async () => {
    const other = makeTempDir("pma-lab-fail-");
    const failing = (): TrainerHandle => ({ done: Promise.reject(new Error("boom")), stop: () => undefined });
    await expect(runLab({ scale: TINY_SCALE, dir: other, workers: 1 }, { startRun: failing })).rejects.toMatchObject({ code: "lab_run_failed", message: expect.stringMatching(/boom/) });
    await expect(readFile(join(other, "lab-status.json"))).rejects.toThrow();
  });
});

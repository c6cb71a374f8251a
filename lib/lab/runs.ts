import { join } from "node:path";
import { computeWeights } from "../merge/weights";
import { PmaError } from "../errors";
import { checkpointDirName } from "./checkpoint-io";
import type { LabScale } from "./scales";
import { constantSchedule, type LrSchedule } from "./schedule";
import { tokensPerStep, type TrainPlan } from "./train";

/**
 * The lab plan, as data: which runs exist, how each starts and what it waits for. Pure — the runner
 * executes exactly this, and the check and the registry read the same names and directories.
 *
 *   main            WSD without decay: warmup, then a constant LR; checkpoints every V steps
 *   annealed-<F>    forked from main's checkpoint at step F (weights and AdamW state), cosine decay to
 *                   ~0 over the same number of steps for every branch, same data order as main
 *   unstable        from scratch at a too-high LR, β2 = 0.999, no clipping: spikes
 *   unstable-pma-init / unstable-rollback
 *                   restarts from before the spike (planned once the spike is known): the SMA average of
 *                   the last `window` pre-spike checkpoints vs the latest pre-spike checkpoint alone. Both
 *                   start with fresh AdamW moments and the same short re-warmup to the unstable run's LR,
 *                   and see the same data, so the weights are the only difference.
 */
export type RunKind = "main" | "annealed" | "unstable" | "pma-init" | "rollback";

export interface LabRun {
  name: string;
  kind: RunKind;
  plan: TrainPlan;
  parent?: string;
  /** Step of the parent's checkpoint this run forked from (branches and restarts). */
  forkStep?: number;
  /** Checkpoints that must exist before the run can start. */
  needs: { run: string; step: number }[];
}

export interface LabPlan {
  scale: LabScale;
  dir: string;
  runs: LabRun[];
}

export function runDir(labDir: string, run: string): string {
  return join(labDir, run);
}

export function planLab(scale: LabScale, dir: string): LabPlan {
  const { main, branches } = scale;
  for (const fork of branches.forks) {
    if (fork % scale.checkpointEvery !== 0 || fork <= main.warmup || fork + branches.decaySteps > main.steps) {
      throw new PmaError("lab_bad_plan", `fork step ${fork} must be a checkpoint step inside the stable phase whose branch (+${branches.decaySteps}) ends within the main run (${main.steps})`);
    }
  }
  const base = (run: string): Omit<TrainPlan, "init" | "startStep" | "endStep" | "schedule"> => ({
    run,
    dir: runDir(dir, run),
    model: scale.model,
    dataSeed: scale.seed,
    batch: scale.batch,
    seqLen: scale.seqLen,
    checkpointEvery: scale.checkpointEvery,
    optimizer: scale.optimizer,
    dtype: "F32",
  });
  const mainSchedule = constantSchedule(main.lr, main.warmup);
  const runs: LabRun[] = [
    { name: "main", kind: "main", needs: [], plan: { ...base("main"), init: { kind: "random", seed: scale.seed }, startStep: 0, endStep: main.steps, schedule: mainSchedule } },
  ];
  for (const fork of branches.forks) {
    const name = `annealed-${fork}`;
    const schedule: LrSchedule = { ...mainSchedule, decayFrom: fork, decaySteps: branches.decaySteps, minLr: main.lr * branches.minLrRatio, shape: "cosine" };
    runs.push({
      name,
      kind: "annealed",
      parent: "main",
      forkStep: fork,
      needs: [{ run: "main", step: fork }],
      plan: {
        ...base(name),
        init: { kind: "checkpoint", dir: join(runDir(dir, "main"), checkpointDirName(fork)), optimizer: "keep" },
        startStep: fork,
        endStep: fork + branches.decaySteps,
        schedule,
      },
    });
  }
  const u = scale.unstable;
  runs.push({
    name: "unstable",
    kind: "unstable",
    needs: [],
    plan: {
      ...base("unstable"),
      dataSeed: scale.seed + 1,
      optimizer: u.optimizer,
      checkpointEvery: u.checkpointEvery,
      init: { kind: "random", seed: scale.seed },
      startStep: 0,
      endStep: u.steps,
      schedule: constantSchedule(u.lr, u.warmup),
      divergeAbove: u.divergeAbove,
    },
  });
  return { scale, dir, runs };
}

export interface LogPoint {
  step: number;
  loss: number;
  grad_norm?: number;
}

export interface Spike {
  /** First step of the spike. */
  step: number;
  /** Best smoothed loss before it, and the loss the spike reached. */
  baseline: number;
  peak: number;
}

/**
 * A loss spike: the first step where the loss, smoothed over `window` steps, rises `threshold` nats above
 * the best smoothed loss so far (or is not finite). Training noise at these sizes moves the smoothed loss
 * by ~0.05; a spike moves it by several tenths and stays up.
 */
export function detectSpike(log: LogPoint[], threshold = 0.2, window = 10): Spike | null {
  let best = Infinity;
  let sum = 0;
  const recent: number[] = [];
  for (const point of log) {
    if (!Number.isFinite(point.loss)) return { step: point.step, baseline: best, peak: point.loss };
    recent.push(point.loss);
    sum += point.loss;
    if (recent.length > window) sum -= recent.shift()!;
    if (recent.length < window) continue;
    const smooth = sum / window;
    if (smooth > best + threshold) {
      const start = log.findIndex((p) => p.step > point.step - window);
      const peak = Math.max(...log.slice(start).map((p) => p.loss));
      return { step: log[start].step, baseline: best, peak };
    }
    best = Math.min(best, smooth);
  }
  return null;
}

export interface RestartPlan {
  spike: Spike;
  /** Pre-spike checkpoints, oldest first; the last one is the rollback point. */
  window: number[];
  runs: LabRun[];
}

/** The two restarts, planned from the unstable run's log and checkpoints; null when it never spiked. */
export function planRestarts(lab: LabPlan, unstableLog: LogPoint[], unstableCheckpoints: number[]): RestartPlan | null {
  const spike = detectSpike(unstableLog);
  if (!spike) return null;
  const unstable = lab.runs.find((r) => r.kind === "unstable")!;
  // A checkpoint counts as pre-spike when it predates the smoothing window that first showed the rise.
  const before = unstableCheckpoints.filter((step) => step < spike.step).sort((a, b) => a - b);
  const size = lab.scale.restart.window;
  if (before.length < size) return null;
  const window = before.slice(-size);
  const from = window[window.length - 1];
  const dirOf = (step: number) => join(unstable.plan.dir, checkpointDirName(step));
  const common = (name: string) => ({
    ...unstable.plan,
    run: name,
    dir: runDir(lab.dir, name),
    startStep: from,
    endStep: from + lab.scale.restart.steps,
    schedule: { ...unstable.plan.schedule, rewarm: { from, steps: lab.scale.restart.warmup } },
    divergeAbove: undefined,
  });
  const needs = window.map((step) => ({ run: "unstable", step }));
  const runs: LabRun[] = [
    {
      name: "unstable-pma-init",
      kind: "pma-init",
      parent: "unstable",
      forkStep: from,
      needs,
      plan: { ...common("unstable-pma-init"), init: { kind: "average", dirs: window.map(dirOf), weights: computeWeights({ scheme: "sma" }, size) } },
    },
    {
      name: "unstable-rollback",
      kind: "rollback",
      parent: "unstable",
      forkStep: from,
      needs,
      plan: { ...common("unstable-rollback"), init: { kind: "checkpoint", dir: dirOf(from), optimizer: "reset" } },
    },
  ];
  return { spike, window, runs };
}

/** What the job handler passes to registerCheckpoints for one lab run (names prefixed per lab). */
export function registrationRequest(lab: LabPlan, run: LabRun, prefix = `lab-${lab.scale.name}`) {
  const perStep = tokensPerStep(lab.scale);
  const name = (run: string) => `${prefix}/${run}`;
  return {
    directory: run.plan.dir,
    run: name(run.name),
    tokensPerStep: perStep,
    kind: run.kind === "main" ? "constant" : run.kind,
    ...(run.parent !== undefined && run.forkStep !== undefined ? { branchOf: name(run.parent), forkTokens: run.forkStep * perStep } : {}),
  };
}

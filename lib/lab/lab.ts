import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isPmaError, PmaError } from "../errors";
import { forkTrainer, type TrainerHandle } from "./child-process";
import { ensureWritableDir } from "./fs-checks";
import { readRunLog } from "./lab-files";
import { planLab, planRestarts, type LabPlan, type LabRun, type RestartPlan } from "./runs";
import type { LabScale } from "./scales";
import type { LabBackend } from "./tf";
import { listCompleteCheckpoints, readDiverged, type StepReport, type TrainHooks, type TrainPlan, type TrainResult } from "./train";

/**
 * Trains the whole lab: a small scheduler over the plan's runs, at most `workers` at a time, each in its
 * own process. A run starts when the checkpoints it forks from exist; the restarts are planned when the
 * unstable run ends. Everything is resumable: rerunning skips finished runs and resumes the rest from
 * their newest checkpoint. `runLab` is what the lab job handler calls; side effects come in through `deps`.
 */
export interface RunLabOptions {
  scale: LabScale;
  dir: string;
  workers?: number;
  backend?: LabBackend;
}

export interface RunProgress {
  run: string;
  kind: LabRun["kind"];
  startStep: number;
  endStep: number;
  step: number;
  loss: number | null;
  status: "pending" | "running" | "complete" | "diverged" | "stopped" | "failed";
}

export interface LabProgress {
  runs: RunProgress[];
  /** Steps trained or skipped so far, over all runs (restarts counted from the start). */
  doneSteps: number;
  totalSteps: number;
}

export interface RunLabDeps {
  /** Starts one run; the default forks a child process. Tests pass an in-process trainer. */
  startRun?: (plan: TrainPlan, hooks: Omit<TrainHooks, "shouldStop">) => TrainerHandle;
  onProgress?: (progress: LabProgress) => void;
  /** A checkpoint was written (the job handler registers it, so the UI shows it live). */
  onCheckpoint?: (lab: LabPlan, run: LabRun, step: number) => void | Promise<void>;
  onRunFinished?: (lab: LabPlan, run: LabRun, result: TrainResult) => void | Promise<void>;
  signal?: AbortSignal;
  now?: () => number;
}

export interface LabStatus {
  version: 1;
  scale: string;
  complete: boolean;
  runs: { name: string; kind: LabRun["kind"]; status: RunProgress["status"]; lastStep: number }[];
  restarts: { spike: RestartPlan["spike"]; window: number[] } | null;
  wallSeconds: number;
}

export const MANIFEST = "lab.json";
export const STATUS = "lab-status.json";

export async function runLab(options: RunLabOptions, deps: RunLabDeps = {}): Promise<LabStatus> {
  const now = deps.now ?? Date.now;
  const started = now();
  await ensureWritableDir(options.dir);
  await claimDirectory(options.dir, options.scale);
  const lab = planLab(options.scale, options.dir);
  const workers = Math.max(1, options.workers ?? options.scale.workers);
  const startRun = deps.startRun ?? ((plan, hooks) => forkTrainer(plan, hooks, options.backend));

  const progress = new Map<string, RunProgress>();
  const track = (run: LabRun) =>
    progress.set(run.name, { run: run.name, kind: run.kind, startStep: run.plan.startStep, endStep: run.plan.endStep, step: run.plan.startStep, loss: null, status: "pending" });
  lab.runs.forEach(track);
  const restartSteps = 2 * options.scale.restart.steps;
  const report = () => {
    const runs = [...progress.values()];
    const doneSteps = runs.reduce((sum, r) => sum + (r.status === "diverged" ? r.endStep - r.startStep : r.step - r.startStep), 0);
    const planned = runs.reduce((sum, r) => sum + r.endStep - r.startStep, 0);
    const restartsKnown = runs.some((r) => r.kind === "pma-init");
    deps.onProgress?.({ runs, doneSteps, totalSteps: planned + (restartsKnown ? 0 : restartSteps) });
  };

  const checkpoints = new Map<string, Set<number>>();
  for (const run of lab.runs) checkpoints.set(run.name, new Set(await listCompleteCheckpoints(run.plan.dir)));
  const pending = [...lab.runs];
  /** Runs launched and not yet finished (a run is in here before its process exists). */
  const active = new Set<string>();
  const handles = new Map<string, TrainerHandle>();
  let restarts: RestartPlan | null = null;
  let failure: unknown;

  const ready = (run: LabRun) => run.needs.every((need) => checkpoints.get(need.run)?.has(need.step));
  const finished = async (run: LabRun, result: TrainResult) => {
    const entry = progress.get(run.name)!;
    entry.status = result.status;
    entry.step = result.lastStep;
    if (run.kind === "unstable") {
      restarts = planRestarts(lab, await readRunLog(run.plan.dir), [...(checkpoints.get("unstable") ?? [])]);
      for (const restart of restarts?.runs ?? []) {
        lab.runs.push(restart);
        pending.push(restart);
        checkpoints.set(restart.name, new Set(await listCompleteCheckpoints(restart.plan.dir)));
        track(restart);
      }
    }
    await deps.onRunFinished?.(lab, run, result);
    report();
  };

  await new Promise<void>((resolve) => {
    const pump = () => {
      if (failure !== undefined || deps.signal?.aborted) {
        if (active.size === 0) resolve();
        return;
      }
      while (active.size < workers) {
        const index = pending.findIndex(ready);
        if (index < 0) break;
        const [run] = pending.splice(index, 1);
        launch(run);
      }
      if (active.size === 0 && pending.length === 0) resolve();
      else if (active.size === 0) {
        failure = new PmaError("lab_blocked", `lab runs ${pending.map((r) => r.name).join(", ")} wait for checkpoints that will never be written`);
        resolve();
      }
    };
    const launch = (run: LabRun) => {
      const entry = progress.get(run.name)!;
      entry.status = "running";
      active.add(run.name);
      void (async () => {
        const skip = await alreadyDone(run);
        if (skip) return finished(run, skip);
        const handle = startRun(run.plan, {
          onStep: (step: StepReport) => {
            entry.step = step.step;
            entry.loss = step.loss;
            report();
          },
          onCheckpoint: (info) => {
            checkpoints.get(run.name)!.add(info.step);
            void Promise.resolve(deps.onCheckpoint?.(lab, run, info.step)).catch(() => undefined);
            pump();
          },
        });
        handles.set(run.name, handle);
        await finished(run, await handle.done);
      })()
        .catch((error: unknown) => {
          entry.status = "failed";
          failure ??= error;
          for (const handle of handles.values()) handle.stop();
        })
        .finally(() => {
          active.delete(run.name);
          handles.delete(run.name);
          pump();
        });
    };
    deps.signal?.addEventListener("abort", () => {
      for (const handle of handles.values()) handle.stop();
      pump();
    });
    report();
    pump();
  });

  const status = labStatus(options.scale, lab, progress, restarts, (now() - started) / 1000);
  if (failure !== undefined) throw isPmaError(failure) ? failure : new PmaError("lab_run_failed", String(failure));
  if (deps.signal?.aborted) throw new PmaError("lab_cancelled", "the lab was cancelled; run it again to resume from the last checkpoints", { permanent: false });
  await writeFile(join(options.dir, STATUS), `${JSON.stringify(status, null, 2)}\n`);
  return status;
}

/** A run whose final checkpoint (or divergence marker) exists needs no process. */
async function alreadyDone(run: LabRun): Promise<TrainResult | null> {
  const steps = await listCompleteCheckpoints(run.plan.dir);
  const diverged = await readDiverged(run.plan.dir);
  if (diverged !== null) return { run: run.name, resumedFrom: null, lastStep: diverged, status: "diverged", checkpoints: steps };
  if (steps.includes(run.plan.endStep)) return { run: run.name, resumedFrom: run.plan.endStep, lastStep: run.plan.endStep, status: "complete", checkpoints: steps };
  return null;
}

function labStatus(scale: LabScale, lab: LabPlan, progress: Map<string, RunProgress>, restarts: RestartPlan | null, wallSeconds: number): LabStatus {
  const runs = lab.runs.map((run) => {
    const p = progress.get(run.name)!;
    return { name: run.name, kind: run.kind, status: p.status, lastStep: p.step };
  });
  return {
    version: 1,
    scale: scale.name,
    complete: runs.every((r) => r.status === "complete" || r.status === "diverged"),
    runs,
    restarts: restarts ? { spike: (restarts as RestartPlan).spike, window: (restarts as RestartPlan).window } : null,
    wallSeconds,
  };
}

/** Records which configuration a lab directory holds, and refuses to mix two in one directory. */
async function claimDirectory(dir: string, scale: LabScale): Promise<void> {
  const file = join(dir, MANIFEST);
  const text = await readFile(file, "utf8").catch(() => undefined);
  const manifest = { version: 1, scale };
  if (text === undefined) {
    await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
    return;
  }
  let existing: { scale?: unknown };
  try {
    existing = JSON.parse(text);
  } catch {
    throw new PmaError("lab_bad_manifest", `${file} is not valid JSON; delete the lab directory to start over`);
  }
  if (JSON.stringify(existing.scale) !== JSON.stringify(scale)) {
    const name = (existing.scale as { name?: string } | undefined)?.name ?? "unknown";
    throw new PmaError("lab_dir_conflict", `${dir} already holds a lab with a different configuration (scale "${name}"); use another --dir or delete it`);
  }
}

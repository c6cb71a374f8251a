import { appendFile, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PmaError } from "../errors";
import { checkpointDirName, loadCheckpoint, saveCheckpoint, type OptimizerState } from "./checkpoint-io";
import { validateModelConfig, type ModelConfig, type SaveDtype } from "./config";
import { buildCorpus, sampleBatch } from "./corpus";
import { averageWeights } from "./average";
import { buildTables, disposeTables, meanLoss } from "./model";
import { AdamW, type AdamWConfig } from "./optimizer";
import { initWeights, paramSpecs, type HostWeights } from "./params";
import { lrAt, type LrSchedule } from "./schedule";
import { initBackend, tf, type LabBackend } from "./tf";
import { ensureWritableDir } from "./fs-checks";

/**
 * One training run, described as data (so a parent process can hand it to a child), and the loop that
 * executes it. The run is resumable: it continues from the newest complete checkpoint in its directory,
 * drops log lines written after that checkpoint, and — because batches depend only on (seed, step) and
 * the kernels are deterministic — ends bit-identical to an uninterrupted run.
 */
export type InitSpec =
  | { kind: "random"; seed: number }
  /** Start from one checkpoint; "keep" also restores its AdamW moments, "reset" starts them at zero. */
  | { kind: "checkpoint"; dir: string; optimizer: "keep" | "reset" }
  /** PMA-init: a weighted average of checkpoints, with fresh optimizer moments. */
  | { kind: "average"; dirs: string[]; weights: number[] };

export interface TrainPlan {
  run: string;
  dir: string;
  model: ModelConfig;
  init: InitSpec;
  dataSeed: number;
  batch: number;
  seqLen: number;
  /** The step the run starts after (0 from scratch; the fork or restart step otherwise). */
  startStep: number;
  endStep: number;
  /** Checkpoints at every multiple of this many (global) steps, and at endStep. */
  checkpointEvery: number;
  schedule: LrSchedule;
  optimizer: AdamWConfig;
  dtype: SaveDtype;
  /** Stop early (and say so) when the loss is not finite or exceeds this; the unstable run uses it. */
  divergeAbove?: number;
}

export interface StepReport {
  run: string;
  step: number;
  tokens: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

export interface TrainHooks {
  onStep?: (report: StepReport) => void;
  onCheckpoint?: (info: { run: string; step: number; tokens: number; path: string }) => void;
  /** Checked between steps; when it returns true the loop stops after the current step (resumable). */
  shouldStop?: () => boolean;
  backend?: LabBackend;
}

export interface TrainResult {
  run: string;
  resumedFrom: number | null;
  lastStep: number;
  status: "complete" | "stopped" | "diverged";
  checkpoints: number[];
}

export const LOG_FILE = "train_log.jsonl";

export function tokensPerStep(plan: Pick<TrainPlan, "batch" | "seqLen">): number {
  return plan.batch * plan.seqLen;
}

export async function trainRun(plan: TrainPlan, hooks: TrainHooks = {}): Promise<TrainResult> {
  validateModelConfig(plan.model);
  await ensureWritableDir(plan.dir);
  await initBackend(hooks.backend);
  const done = await listCompleteCheckpoints(plan.dir);
  const divergedAt = await readDiverged(plan.dir);
  if (divergedAt !== null) return { run: plan.run, resumedFrom: null, lastStep: divergedAt, status: "diverged", checkpoints: done };
  const resumeStep = [...done].reverse().find((s) => s > plan.startStep && s <= plan.endStep) ?? null;
  if (resumeStep === plan.endStep) return { run: plan.run, resumedFrom: resumeStep, lastStep: resumeStep, status: "complete", checkpoints: done };
  const { weights, optimizer } = await startingState(plan, resumeStep);
  await trimLog(plan.dir, resumeStep ?? plan.startStep);

  const specs = paramSpecs(plan.model);
  const params = new Map(specs.map((spec) => [spec.name, tf.variable(tf.tensor(weights.get(spec.name)!, spec.shape), true, `${plan.run}/${spec.name}`)]));
  const adam = new AdamW(specs, plan.optimizer, optimizer);
  const tables = buildTables(plan.model, plan.seqLen);
  const corpus = buildCorpus();
  const perStep = tokensPerStep(plan);
  const varList = [...params.values()];
  let step = resumeStep ?? plan.startStep;
  let status: TrainResult["status"] = "complete";
  let pending: string[] = [];
  try {
    while (step < plan.endStep) {
      step += 1;
      const lr = lrAt(plan.schedule, step);
      const batch = sampleBatch(corpus.train, plan.dataSeed, step, plan.batch, plan.seqLen);
      const { loss, gradNorm } = trainStep(plan, params, varList, adam, tables, batch, lr);
      const report = { run: plan.run, step, tokens: step * perStep, loss, lr, gradNorm };
      pending.push(JSON.stringify({ step, tokens: report.tokens, loss, lr, grad_norm: gradNorm }));
      hooks.onStep?.(report);
      const diverged = !Number.isFinite(loss) || !Number.isFinite(gradNorm) || (plan.divergeAbove !== undefined && loss > plan.divergeAbove);
      if (diverged) {
        status = "diverged";
        break;
      }
      if (step % plan.checkpointEvery === 0 || step === plan.endStep) {
        await appendLog(plan.dir, pending);
        pending = [];
        const host = readWeights(params);
        const path = await saveCheckpoint(plan.dir, step, {
          weights: host,
          config: plan.model,
          optimizer: adam.state(),
          trainer: { run: plan.run, step, tokens: step * perStep, lr, extra: { dataSeed: plan.dataSeed, init: plan.init.kind } },
        }, plan.dtype);
        done.push(step);
        hooks.onCheckpoint?.({ run: plan.run, step, tokens: step * perStep, path });
      }
      if (hooks.shouldStop?.()) {
        status = step === plan.endStep ? "complete" : "stopped";
        break;
      }
    }
    // A diverged run keeps its log to the end (the spike is the point); nothing after the last checkpoint
    // is resumable, so that tail is only kept when the run will not be resumed.
    if (status === "diverged") await appendLog(plan.dir, pending);
  } finally {
    disposeTables(tables);
    adam.dispose();
    for (const variable of varList) variable.dispose();
  }
  if (status === "diverged") await markDiverged(plan.dir, step);
  return { run: plan.run, resumedFrom: resumeStep, lastStep: step, status, checkpoints: done };
}

function trainStep(
  plan: TrainPlan,
  params: Map<string, tf.Variable>,
  varList: tf.Variable[],
  adam: AdamW,
  tables: ReturnType<typeof buildTables>,
  batch: ReturnType<typeof sampleBatch>,
  lr: number,
): { loss: number; gradNorm: number } {
  return tf.tidy(() => {
    const ids = tf.tensor2d(batch.inputs, [batch.batch, batch.seqLen], "int32");
    const targets = tf.tensor1d(batch.targets, "int32");
    const { value, grads } = tf.variableGrads(() => meanLoss(params, ids, targets, plan.model, tables), varList);
    const loss = value.dataSync()[0];
    const gradNorm = adam.apply(params, grads, lr);
    return { loss, gradNorm };
  });
}

function readWeights(params: Map<string, tf.Variable>): HostWeights {
  return new Map([...params].map(([name, variable]) => [name, new Float32Array(variable.dataSync())]));
}

async function startingState(plan: TrainPlan, resumeStep: number | null): Promise<{ weights: HostWeights; optimizer?: OptimizerState }> {
  if (resumeStep !== null) {
    const saved = await loadCheckpoint(join(plan.dir, checkpointDirName(resumeStep)), { optimizer: true });
    return { weights: saved.weights, optimizer: saved.optimizer };
  }
  const init = plan.init;
  if (init.kind === "random") return { weights: initWeights(plan.model, init.seed) };
  if (init.kind === "checkpoint") {
    const saved = await loadCheckpoint(init.dir, { optimizer: init.optimizer === "keep" });
    checkSameShape(plan.model, saved.config, init.dir);
    return { weights: saved.weights, optimizer: init.optimizer === "keep" ? saved.optimizer : undefined };
  }
  const loaded = await Promise.all(init.dirs.map((dir) => loadCheckpoint(dir)));
  loaded.forEach((saved, i) => checkSameShape(plan.model, saved.config, init.dirs[i]));
  return { weights: averageWeights(loaded.map((saved) => saved.weights), init.weights) };
}

function checkSameShape(expected: ModelConfig, found: ModelConfig, dir: string): void {
  const keys: (keyof ModelConfig)[] = ["vocabSize", "hidden", "intermediate", "layers", "heads", "tieWordEmbeddings"];
  const diff = keys.filter((key) => expected[key] !== found[key]);
  if (diff.length > 0) throw new PmaError("lab_bad_checkpoint", `${dir} is a different model (${diff.map((k) => `${k} ${String(found[k])} ≠ ${String(expected[k])}`).join(", ")})`);
}

/** Steps with a complete checkpoint (a config.json and model.safetensors inside a renamed step dir), ascending. */
export async function listCompleteCheckpoints(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const steps: number[] = [];
  for (const name of names) {
    const match = /^step-(\d+)$/.exec(name);
    if (!match) continue;
    const ok = await Promise.all(["model.safetensors", "config.json"].map((file) => stat(join(dir, name, file)).then((s) => s.isFile(), () => false)));
    if (ok.every(Boolean)) steps.push(Number(match[1]));
  }
  return steps.sort((a, b) => a - b);
}

async function appendLog(dir: string, lines: string[]): Promise<void> {
  if (lines.length > 0) await appendFile(join(dir, LOG_FILE), `${lines.join("\n")}\n`);
}

/** Keeps the log lines up to `step` (later ones belong to training that the resume will redo). */
async function trimLog(dir: string, step: number): Promise<void> {
  const file = join(dir, LOG_FILE);
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return;
  const kept = text.split("\n").filter((line) => {
    if (line.trim() === "") return false;
    try {
      return (JSON.parse(line) as { step: number }).step <= step;
    } catch {
      return false; // a torn last line from a crash
    }
  });
  await writeFile(file, kept.length > 0 ? `${kept.join("\n")}\n` : "");
}

async function markDiverged(dir: string, step: number): Promise<void> {
  await writeFile(join(dir, "DIVERGED.json"), `${JSON.stringify({ step }, null, 2)}\n`);
}

/** The step a run diverged at, when it did (the marker is written only after its log is complete). */
export async function readDiverged(dir: string): Promise<number | null> {
  const text = await readFile(join(dir, "DIVERGED.json"), "utf8").catch(() => undefined);
  if (text === undefined) return null;
  const step = Number((JSON.parse(text) as { step?: unknown }).step);
  return Number.isSafeInteger(step) ? step : null;
}

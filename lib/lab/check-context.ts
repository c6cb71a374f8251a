import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PmaError } from "../errors";
import { computeWeights, type SchemeSpec } from "../merge/weights";
import { averageWeights } from "./average";
import { checkpointDirName, loadCheckpoint } from "./checkpoint-io";
import type { ModelConfig } from "./config";
import { evaluateWeights, type EvalMetrics } from "./evaluate";
import { MANIFEST, STATUS, type LabStatus } from "./lab";
import { readRunLog } from "./lab-files";
import type { HostWeights } from "./params";
import { planLab, planRestarts, runDir, type LabPlan, type RestartPlan } from "./runs";
import type { LabScale } from "./scales";
import { listCompleteCheckpoints } from "./train";

/**
 * What the science check works on: the lab read back from disk, and a memoised "loss of this merge".
 * The merge itself is a dependency (`mergeToMemory`), so the merge executor's in-process consumer can
 * replace the default host-side average without touching the check.
 */
export interface CheckDeps {
  mergeToMemory?: (dirs: string[], weights: number[]) => Promise<{ weights: HostWeights; config: ModelConfig }>;
  evaluate?: (weights: HostWeights, config: ModelConfig) => Promise<EvalMetrics>;
  onProgress?: (done: number) => void;
}

export interface CheckContext {
  lab: LabPlan;
  restarts: RestartPlan | null;
  checkpoints: Map<string, number[]>;
  /** Held-out loss of Σ w_i · run@steps_i (one checkpoint when steps has one entry). */
  loss(run: string, steps: number[], weights?: number[]): Promise<number>;
  evaluations(): number;
}

export async function openLab(dir: string, deps: CheckDeps = {}): Promise<CheckContext> {
  const scale = await readManifest(dir);
  const status = await readJson<LabStatus>(join(dir, STATUS), "the lab has not finished training; run `pma-lab lab` first");
  if (!status.complete) throw new PmaError("lab_incomplete", `${dir}: the lab has not finished training; run \`pma-lab lab\` to resume it`);
  const lab = planLab(scale, dir);
  const checkpoints = new Map<string, number[]>();
  for (const run of lab.runs) checkpoints.set(run.name, await requireCheckpoints(run.plan.dir, run.name));
  const restarts = planRestarts(lab, await readRunLog(runDir(dir, "unstable")), checkpoints.get("unstable")!);
  for (const run of restarts?.runs ?? []) {
    lab.runs.push(run);
    checkpoints.set(run.name, await requireCheckpoints(run.plan.dir, run.name));
  }

  const merge = deps.mergeToMemory ?? defaultMerge;
  const evaluate = deps.evaluate ?? ((weights: HostWeights, config: ModelConfig) => evaluateWeights(weights, config, scale.eval));
  const memo = new Map<string, Promise<number>>();
  const loss = (run: string, steps: number[], weights = computeWeights({ scheme: "sma" }, steps.length)) => {
    const have = checkpoints.get(run) ?? [];
    const missing = steps.filter((s) => !have.includes(s));
    if (missing.length > 0) throw new PmaError("lab_missing_checkpoint", `${run} has no checkpoint at step ${missing.join(", ")}`);
    const key = `${run}|${steps.join(",")}|${weights.join(",")}`;
    let result = memo.get(key);
    if (!result) {
      const dirs = steps.map((s) => join(runDir(dir, run), checkpointDirName(s)));
      result = merge(dirs, weights).then(async (m) => {
        const metrics = await evaluate(m.weights, m.config);
        deps.onProgress?.(memo.size);
        return metrics.loss;
      });
      memo.set(key, result);
    }
    return result;
  };
  return { lab, restarts, checkpoints, loss, evaluations: () => memo.size };
}

const loaded = new Map<string, Promise<{ weights: HostWeights; config: ModelConfig }>>();

/** The default in-memory merge: load each checkpoint once (a lab run is a few MB) and average on the host. */
export async function defaultMerge(dirs: string[], weights: number[]): Promise<{ weights: HostWeights; config: ModelConfig }> {
  const models = await Promise.all(
    dirs.map((d) => {
      let entry = loaded.get(d);
      if (!entry) {
        entry = loadCheckpoint(d);
        loaded.set(d, entry);
        entry.catch(() => loaded.delete(d));
      }
      return entry;
    }),
  );
  if (models.length === 1 && weights[0] === 1) return models[0];
  return { weights: averageWeights(models.map((m) => m.weights), weights), config: models[models.length - 1].config };
}

export function clearMergeCache(): void {
  loaded.clear();
}

export function schemeWeights(spec: SchemeSpec, n: number): number[] {
  return computeWeights(spec, n);
}

async function requireCheckpoints(dir: string, run: string): Promise<number[]> {
  const steps = await listCompleteCheckpoints(dir);
  if (steps.length === 0) throw new PmaError("lab_missing_run", `lab run ${run} has no checkpoints in ${dir}; run \`pma-lab lab\` to (re)train it`);
  return steps;
}

async function readManifest(dir: string): Promise<LabScale> {
  const manifest = await readJson<{ scale?: LabScale }>(join(dir, MANIFEST), `${dir} holds no lab (no ${MANIFEST}); run \`pma-lab lab\` first`);
  if (!manifest.scale?.model || !manifest.scale.main) throw new PmaError("lab_bad_manifest", `${join(dir, MANIFEST)} does not describe a lab`);
  return manifest.scale;
}

async function readJson<T>(file: string, missingMessage: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new PmaError("lab_missing_file", missingMessage, { cause: error });
    if (code === "ENOTDIR") throw new PmaError("lab_missing_file", `${file}: a part of the path is not a directory`, { cause: error });
    throw new PmaError("lab_missing_file", `${file} is unreadable: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new PmaError("lab_bad_manifest", `${file} is not valid JSON; retrain the lab (delete the directory, then \`pma-lab lab\`)`);
  }
}

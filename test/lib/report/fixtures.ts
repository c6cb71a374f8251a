import { writeTransaction, type Db } from "../../../db/client";
import { insertCells, insertEvaluationOnce, insertMetrics, insertRecipes, insertSweep, listCheckpoints, upsertCheckpoint, upsertRun } from "../../../db/queries";
import type { Checkpoint, CellStatus } from "../../../db/schema";
import { recipeHash, type MergeRecipe } from "../../../lib/merge/plan";
import { computeWeights, type SchemeSpec } from "../../../lib/merge/weights";

/**
 * A small, fully known dataset written through the db layer: a run checkpointed every 1M tokens up to 12M
 * (stages: early ≤ 4M, mid ≤ 8M, late > 8M), three annealed branches forked at 4M, 8M and 12M, and a sweep of
 * SMA / WMA × N ∈ {2, 4} × V = 1M at T ∈ {4M, 8M, 12M} with hand-picked scores, so every number a report derives
 * from it can be worked out by hand (see report-document.test.ts).
 */
export const M = 1_000_000;
export const POINTS = [4 * M, 8 * M, 12 * M];

/** The latest checkpoint's score at each point, and each setting's merged score there (gains in the comments). */
export const LATEST = [0.5, 0.6, 0.64];
export const MERGED: Record<string, number[]> = {
  "sma|2": [0.52, 0.63, 0.68], // gains +0.02 +0.03 +0.04
  "sma|4": [0.51, 0.65, 0.7], // gains +0.01 +0.05 +0.06 — the best, mean +0.04
  "wma|2": [0.53, 0.63, 0.67], // gains +0.03 +0.03 +0.03
  "wma|4": [0.52, 0.64, 0.69], // gains +0.02 +0.04 +0.05
};
/** Each branch's final (annealed) score: branches end 2M after their fork. */
export const ANNEALED_END = [0.56, 0.68, 0.71];

export interface FixtureOptions {
  runName?: string;
  branchPrefix?: string;
  metric?: string;
  higherIsBetter?: boolean | null;
  /** Stderr recorded with every score (null: none). */
  stderr?: number | null;
  /** Record no evaluation at all (a sweep nobody has scored yet). */
  unscored?: boolean;
  /** Mark WMA N=2 at 12M as failed (no model, no score) and add an infeasible N=20 cell. */
  withFailures?: boolean;
}

export function seedReportData(db: Db, options: FixtureOptions = {}): { sweepId: number; runName: string } {
  const runName = options.runName ?? "main";
  const metric = options.metric ?? "acc";
  return writeTransaction(db, (tx) => {
    const run = upsertRun(tx, runName, { tokensPerStep: 1000, params: 1_000_000, kind: "constant" });
    const own = addCheckpoints(tx, run.id, runName, Array.from({ length: 12 }, (_, i) => (i + 1) * 1000));
    const branches = POINTS.map((fork, i) => {
      const branch = upsertRun(tx, `${options.branchPrefix ?? `${runName}/anneal`}-${fork / M}M`, { tokensPerStep: 1000, params: 1_000_000, kind: "annealed", parentRunId: run.id, forkTokens: fork });
      const rows = addCheckpoints(tx, branch.id, branch.name, [fork / 1000 + 1000, fork / 1000 + 2000]);
      return { end: rows[1], index: i };
    });
    const sweep = insertSweep(tx, { runId: run.id, grid: { points: POINTS, ns: [2, 4], intervals: [M], schemes: [{ scheme: "sma" }, { scheme: "wma" }] }, evaluators: ["fixture"] });
    const score = (target: { checkpointId: number } | { recipeHash: string }, value: number, key: string) => {
      if (options.unscored) return;
      const { evaluation } = insertEvaluationOnce(tx, { key, evaluator: "fixture", evaluatorFingerprint: null, origin: "import", target, status: "succeeded", now: 1_700_000_000_000 });
      insertMetrics(tx, evaluation.id, [{ name: metric, value, stderr: options.stderr ?? null, n: 100, higherIsBetter: options.higherIsBetter === undefined ? true : options.higherIsBetter }]);
    };
    POINTS.forEach((point, i) => score({ checkpointId: own.find((c) => c.tokens === point)!.id }, LATEST[i], `latest-${runName}-${point}`));
    branches.forEach(({ end, index }) => score({ checkpointId: end.id }, ANNEALED_END[index], `annealed-${runName}-${index}`));

    let position = 0;
    for (const [token, spec] of [
      ["sma", { scheme: "sma" }],
      ["wma", { scheme: "wma" }],
    ] as [string, SchemeSpec][]) {
      for (const n of [2, 4]) {
        POINTS.forEach((point, i) => {
          const window = own.filter((c) => c.tokens! <= point && c.tokens! > point - n * M);
          const weights = computeWeights(spec, n);
          const recipe: MergeRecipe = { inputs: window.map((c, k) => ({ checkpointId: c.id, identity: c.fingerprint, weight: weights[k] })), accumulate: "fp32", outputDtype: "input", scheme: spec };
          const hash = recipeHash(recipe);
          insertRecipes(tx, [{ hash, recipe, runId: run.id }]);
          const failed = options.withFailures && token === "wma" && n === 2 && point === 12 * M;
          const status: CellStatus = failed ? "failed" : "done";
          insertCells(tx, [{ sweepId: sweep.id, position: position++, scheme: spec, alpha: null, n, interval: M, point, feasible: true, recipeHash: hash, status }]);
          if (!failed) score({ recipeHash: hash }, MERGED[`${token}|${n}`][i], `merged-${hash}`);
        });
      }
    }
    if (options.withFailures) {
      insertCells(tx, [{ sweepId: sweep.id, position: position++, scheme: { scheme: "sma" }, alpha: null, n: 20, interval: M, point: 4 * M, feasible: false, reason: "needs 20 checkpoints; 4 exist at or before T", reasonCode: "window_before_start", recipeHash: null, status: "infeasible" }]);
    }
    return { sweepId: sweep.id, runName };
  });
}

function addCheckpoints(tx: Db, runId: number, name: string, steps: number[]): Checkpoint[] {
  for (const step of steps) {
    upsertCheckpoint(tx, runId, step, {
      tokens: step * 1000,
      lr: 1e-3,
      phase: "stable",
      path: `/ckpt/${name}/step-${step}`,
      format: "safetensors",
      dtypes: ["BF16"],
      params: 1_000_000,
      tensorCount: 2,
      bytes: 2000,
      shards: [{ file: "model.safetensors", bytes: 2000, tensors: 2 }],
      fingerprint: `fp-${name}-${step}`,
    });
  }
  return listCheckpoints(tx, runId);
}

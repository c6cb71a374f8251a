import { writeTransaction, type Db } from "../../db/client";
import { insertCells, insertEvaluationOnce, insertMetrics, insertRecipes, insertSweep, listCheckpoints, refreshSweepStatus, upsertCheckpoint, upsertRun } from "../../db/queries";
import type { CellStatus, Checkpoint, NewSweepCell } from "../../db/schema";
import { recipeHash, type MergeRecipe } from "../../lib/merge/plan/recipe";
import { formatTokens } from "../../lib/merge/plan/tokens";
import { computeWeights, formatSchemeToken, type SchemeSpec } from "../../lib/merge/weights";
import { hashName, mulberry32 } from "../../lib/random";

/**
 * A synthetic but realistic ablation sweep written through the real DB layer: a run checkpointed every
 * `every` tokens, annealed branches ending at some merge points, one cell per (scheme, N, V, T) with its recipe
 * (real weights, the window's real checkpoints) or the reason it is infeasible, and scores — value ± stderr —
 * for every scored merge and every baseline. Shared by the grid benchmark and the grid's tests.
 */
export interface SeedMetric {
  name: string;
  higherIsBetter: boolean | null;
  /** Value of the run's checkpoint at the first merge point. */
  base: number;
  /** How much the metric moves (in its better direction) over the run and with merging. */
  scale: number;
  stderr: number | null;
}

export interface GridSeedOptions {
  run?: string;
  schemes: SchemeSpec[];
  ns: number[];
  intervals: number[];
  points: number[];
  /** Tokens between the run's checkpoints; checkpoints are at every, 2·every, … up to the largest point. */
  every: number;
  /** Points with an annealed branch ending exactly there. */
  annealedAt?: number[];
  metrics?: SeedMetric[];
  /** Fraction of feasible cells left without scores (queued, running or failed). */
  unscored?: number;
  seed?: number;
}

export const DEFAULT_SEED_METRICS: SeedMetric[] = [
  { name: "heldout/loss", higherIsBetter: false, base: 3.2, scale: 0.6, stderr: 0.004 },
  { name: "hellaswag/acc", higherIsBetter: true, base: 0.31, scale: 0.12, stderr: 0.0046 },
  { name: "mmlu/acc", higherIsBetter: true, base: 0.26, scale: 0.06, stderr: 0.0037 },
];

export interface SeededGrid {
  runId: number;
  sweepId: number;
  cells: number;
  scored: number;
}

const UNSCORED: CellStatus[] = ["queued", "running", "failed"];

/** How good a model is in [0, 1]: later is better, a moderate window (N·V) helps, WMA/EMA a little more. */
function quality(point: number, maxPoint: number, window = 0, scheme?: SchemeSpec): number {
  const progress = point / maxPoint;
  const span = window / maxPoint;
  const merge = window === 0 ? 0 : 0.15 * Math.exp(-((span - 0.08) ** 2) / 0.004);
  const bias = scheme?.scheme === "wma" ? 0.01 : scheme?.scheme === "ema" ? 0.005 : 0;
  return Math.min(1, 0.8 * Math.sqrt(progress) + merge + bias);
}

function score(metric: SeedMetric, q: number, noise: number) {
  const sign = metric.higherIsBetter === false ? -1 : 1;
  return { name: metric.name, value: metric.base + sign * metric.scale * q + noise * (metric.stderr ?? metric.scale / 100), stderr: metric.stderr, n: 10_000, higherIsBetter: metric.higherIsBetter };
}

function scoreTarget(tx: Db, target: { recipeHash: string } | { checkpointId: number }, metrics: SeedMetric[], q: number, random: () => number, now: number): void {
  const key = "recipeHash" in target ? `seed:merge:${target.recipeHash}` : `seed:checkpoint:${target.checkpointId}`;
  const { evaluation } = insertEvaluationOnce(tx, { key, evaluator: "seed", evaluatorFingerprint: "seed", origin: "job", target, status: "succeeded", now });
  insertMetrics(tx, evaluation.id, metrics.map((metric) => score(metric, q, random() * 2 - 1)));
}

function checkpointFields(run: string, tokens: number, every: number) {
  return {
    tokens,
    lr: 3e-4,
    phase: "stable" as const,
    path: `/checkpoints/${run}/step-${tokens / every}`,
    format: "safetensors" as const,
    dtypes: ["BF16"],
    params: 125_000_000,
    tensorCount: 290,
    bytes: 250_000_000,
    shards: [{ file: "model.safetensors", bytes: 250_000_000, tensors: 290 }],
    fingerprint: `seed-${run}-${tokens}`,
  };
}

export function seedGridSweep(db: Db, options: GridSeedOptions): SeededGrid {
  const name = options.run ?? "bench/main";
  const metrics = options.metrics ?? DEFAULT_SEED_METRICS;
  const random = mulberry32(options.seed ?? hashName(name));
  const maxPoint = Math.max(...options.points);
  const now = Date.now();
  return writeTransaction(db, (tx) => {
    const run = upsertRun(tx, name, { tokensPerStep: options.every, kind: "constant" });
    for (let tokens = options.every; tokens <= maxPoint; tokens += options.every) upsertCheckpoint(tx, run.id, tokens / options.every, checkpointFields(name, tokens, options.every));
    const byTokens = new Map<number, Checkpoint>(listCheckpoints(tx, run.id).map((c) => [c.tokens!, c]));
    for (const point of options.points) {
      const own = byTokens.get(Math.floor(point / options.every) * options.every);
      if (own) scoreTarget(tx, { checkpointId: own.id }, metrics, quality(point, maxPoint), random, now);
    }
    for (const point of options.annealedAt ?? []) {
      const branch = upsertRun(tx, `${name}/annealed-${point}`, { tokensPerStep: options.every, kind: "annealed", parentRunId: run.id, forkTokens: Math.round(point * 0.8) });
      upsertCheckpoint(tx, branch.id, point / options.every, checkpointFields(branch.name, point, options.every));
      const annealed = listCheckpoints(tx, branch.id)[0];
      scoreTarget(tx, { checkpointId: annealed.id }, metrics, Math.min(1, quality(point, maxPoint) + 0.12), random, now);
    }
    const sweep = insertSweep(tx, { runId: run.id, grid: { points: options.points, ns: options.ns, intervals: options.intervals, schemes: options.schemes }, evaluators: ["seed"] });
    const rows: NewSweepCell[] = [];
    let scored = 0;
    for (const point of options.points)
      for (const interval of options.intervals)
        for (const n of options.ns)
          for (const scheme of options.schemes) {
            const window = Array.from({ length: n }, (_, i) => byTokens.get(point - (n - 1 - i) * interval));
            const base = { sweepId: sweep.id, position: rows.length, scheme, alpha: scheme.scheme === "ema" ? scheme.alpha : null, n, interval, point };
            const missing = window.findIndex((c) => !c);
            if (missing >= 0) {
              const at = point - (n - 1 - missing) * interval;
              rows.push({ ...base, feasible: false, reason: `no checkpoint at ${formatTokens(at)} tokens (T − ${n - 1 - missing}V)`, reasonCode: "plan_checkpoint_missing", status: "infeasible" });
              continue;
            }
            const weights = computeWeights(scheme, n);
            const recipe: MergeRecipe = { inputs: window.map((c, i) => ({ checkpointId: c!.id, identity: c!.fingerprint, weight: weights[i] })), accumulate: "fp32", outputDtype: "input", scheme };
            const hash = recipeHash(recipe);
            insertRecipes(tx, [{ hash, recipe, runId: run.id }]);
            const unscored = random() < (options.unscored ?? 0);
            const status = unscored ? UNSCORED[Math.floor(random() * UNSCORED.length)] : "done";
            rows.push({ ...base, feasible: true, recipeHash: hash, status, notes: [`${formatSchemeToken(scheme)} over ${n} checkpoints`] });
            if (!unscored) {
              scoreTarget(tx, { recipeHash: hash }, metrics, quality(point, maxPoint, (n - 1) * interval, scheme), random, now);
              scored += 1;
            }
          }
    insertCells(tx, rows);
    refreshSweepStatus(tx, [sweep.id]);
    return { runId: run.id, sweepId: sweep.id, cells: rows.length, scored };
  });
}

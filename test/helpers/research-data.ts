import fs from "node:fs";
import path from "node:path";
import { writeTransaction, type Db } from "../../db/client";
import { insertEvaluationOnce, insertMetrics, listCells, upsertCheckpoint, upsertLogPoints, upsertRun, type MetricInput } from "../../db/queries";
import type { Run } from "../../db/schema";
import { computeWeights, parseSchemeList } from "../../lib/merge/weights";
import { createSweep } from "../../lib/sweeps";

/**
 * A small, complete research dataset written through the real data layer (rows only — no checkpoint files, so
 * it is instant): a 130M-parameter run with a sweep over SMA / WMA / EMA, N and V at four merge points, annealed
 * branches forked at three of them (and a fourth whose final checkpoint is not scored), a 1B run for the
 * before/after bars, and an unstable run with PMA-init and rollback restarts for the spike chart. Scores follow
 * smooth curves so charts look like research data; every value is recorded as an ordinary succeeded evaluation.
 */
export const M = 1_000_000;
export const SMALL = "lm/small";
export const LARGE = "lm/large";
export const UNSTABLE = "lm/unstable";
export const FORKS = [4 * M, 6 * M, 8 * M];
export const UNSCORED_FORK = 10 * M;

export const lossAt = (tokens: number) => 2 + 3 / Math.sqrt(tokens / M) + 0.02 * Math.sin(tokens / M);
export const accAt = (tokens: number) => 0.3 + 0.03 * Math.sqrt(tokens / M);

let evaluationKey = 0;

function score(db: Db, target: { checkpointId: number } | { recipeHash: string }, metrics: MetricInput[], finishedAt = 1_700_000_000_000): void {
  const { evaluation } = insertEvaluationOnce(db, {
    key: `research-fixture:${(evaluationKey += 1)}:${JSON.stringify(target)}`,
    evaluator: "fixture",
    evaluatorFingerprint: null,
    origin: "import",
    target,
    status: "succeeded",
    now: finishedAt,
  });
  insertMetrics(db, evaluation.id, metrics);
}

const lossMetric = (value: number): MetricInput => ({ name: "heldout/loss", value, stderr: null, n: 8192, higherIsBetter: false });
const accMetric = (value: number): MetricInput => ({ name: "acc", value, stderr: 0.01, n: 1000, higherIsBetter: true });

function addCheckpoints(db: Db, run: Run, tokens: number[], params: number): Map<number, number> {
  const ids = new Map<number, number>();
  writeTransaction(db, (tx) => {
    for (const t of tokens) {
      const step = t / 1000;
      upsertCheckpoint(tx, run.id, step, {
        tokens: t,
        lr: 1e-3,
        phase: "stable",
        path: `/research/${run.name}/step-${step}`,
        format: "safetensors",
        dtypes: ["BF16"],
        params,
        tensorCount: 2,
        bytes: 2000,
        shards: [{ file: "model.safetensors", bytes: 2000, tensors: 2 }],
        fingerprint: `fp-${run.name}-${step}`,
      });
    }
  });
  const rows = db.$client.prepare("select id, tokens from checkpoints where run_id = ?").all(run.id) as { id: number; tokens: number }[];
  for (const row of rows) ids.set(row.tokens, row.id);
  return ids;
}

/** A merge's score: the window's mean, improved by averaging (more with larger N), shifted a little per scheme. */
function mergedScores(scheme: string, n: number, interval: number, point: number, tilt: number): MetricInput[] {
  const weights = computeWeights(parseSchemeList(scheme)[0], n);
  const window = weights.map((_, i) => point - (n - 1 - i) * interval);
  const mean = (f: (t: number) => number) => window.reduce((sum, t, i) => sum + weights[i] * f(t), 0);
  const gain = 0.06 + 0.01 * n - 0.015 * (interval / M) + tilt;
  return [lossMetric(mean(lossAt) - gain), accMetric(mean(accAt) + gain / 4)];
}

const schemeTilt: Record<string, number> = { sma: 0, wma: 0.01, "ema:0.2": -0.005 };

export interface ResearchData {
  smallSweepId: number;
  largeSweepId: number;
  runs: { small: Run; large: Run; unstable: Run };
}

export function seedResearchData(db: Db, dataDir: string): ResearchData {
  const statDisk = () => ({ freeBytes: 1e15, totalBytes: 2e15 });
  // A composite, as the evaluators config defines it: the charts offer it like any measured metric.
  fs.writeFileSync(
    path.join(dataDir, "evaluators.json"),
    JSON.stringify({ evaluators: [], composites: [{ name: "overall", components: [{ metric: "acc", weight: 1 }, { metric: "heldout/loss", weight: 0.1 }] }] }),
  );

  const small = upsertRun(db, SMALL, { tokensPerStep: 1000, params: 130_000_000, kind: "constant" });
  const smallTokens = Array.from({ length: 12 }, (_, i) => (i + 1) * M);
  const smallIds = addCheckpoints(db, small, smallTokens, 130_000_000);
  for (const t of smallTokens) score(db, { checkpointId: smallIds.get(t)! }, [lossMetric(lossAt(t)), accMetric(accAt(t))]);

  for (const fork of [...FORKS, UNSCORED_FORK]) {
    const branch = upsertRun(db, `${SMALL}-anneal-${fork / M}M`, { tokensPerStep: 1000, params: 130_000_000, parentRunId: small.id, forkTokens: fork, kind: "annealed" });
    const ids = addCheckpoints(db, branch, [fork + M, fork + 2 * M], 130_000_000);
    if (fork === UNSCORED_FORK) continue;
    // Annealing pays off more late in training than early: the anneals' order differs a little from the merges'.
    for (const t of [fork + M, fork + 2 * M]) score(db, { checkpointId: ids.get(t)! }, [lossMetric(lossAt(t) - 0.1 - (0.02 * fork) / M), accMetric(accAt(t) + 0.03)]);
  }

  const smallSweep = createSweep(db, { run: SMALL, points: [...FORKS, UNSCORED_FORK], ns: [2, 4], intervals: [M, 2 * M], schemes: parseSchemeList("sma,wma,ema:0.2") }, { dataDir, statDisk });
  scoreCells(db, smallSweep.id, 0);

  const large = upsertRun(db, LARGE, { tokensPerStep: 1000, params: 1_000_000_000, kind: "constant" });
  const largeTokens = Array.from({ length: 6 }, (_, i) => (i + 1) * M);
  const largeIds = addCheckpoints(db, large, largeTokens, 1_000_000_000);
  for (const t of largeTokens) score(db, { checkpointId: largeIds.get(t)! }, [lossMetric(lossAt(t) - 0.4), accMetric(accAt(t) + 0.1)]);
  const largeSweep = createSweep(db, { run: LARGE, points: [6 * M], ns: [2, 3], intervals: [M], schemes: parseSchemeList("sma") }, { dataDir, statDisk });
  scoreCells(db, largeSweep.id, -0.4);

  const unstable = seedUnstable(db);
  return { smallSweepId: smallSweep.id, largeSweepId: largeSweep.id, runs: { small, large, unstable } };
}

function scoreCells(db: Db, sweepId: number, shift: number): void {
  const seen = new Set<string>();
  for (const cell of listCells(db, sweepId)) {
    if (!cell.recipeHash || seen.has(cell.recipeHash)) continue;
    seen.add(cell.recipeHash);
    const token = cell.scheme.scheme === "ema" ? `ema:${cell.scheme.alpha}` : cell.scheme.scheme;
    const metrics = mergedScores(token, cell.n, cell.interval, cell.point, schemeTilt[token] ?? 0);
    score(db, { recipeHash: cell.recipeHash }, [{ ...metrics[0], value: metrics[0].value + shift }, { ...metrics[1], value: metrics[1].value - shift / 4 }]);
  }
}

/** A run that spikes at step 400 and never recovers, restarted from step 350 twice. */
function seedUnstable(db: Db): Run {
  const unstable = upsertRun(db, UNSTABLE, { tokensPerStep: 1000, kind: "unstable" });
  const points = (from: number, to: number, loss: (s: number) => number, grad: (s: number) => number) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i).flatMap((step) => [
      { series: "loss", step, tokens: step * 1000, value: loss(step) },
      { series: "grad_norm", step, tokens: step * 1000, value: grad(step) },
    ]);
  const smooth = (s: number) => 2.5 + 4 / Math.sqrt(1 + s / 10);
  upsertLogPoints(db, unstable.id, points(1, 600, (s) => (s < 400 ? smooth(s) : smooth(s) + 2 + (s - 400) / 50), (s) => (s < 400 ? 1 + 0.1 * Math.sin(s) : 25 + (s - 400) / 5)));
  for (const [name, kind, offset] of [
    [`${UNSTABLE}-pma-init`, "pma-init", -0.05],
    [`${UNSTABLE}-rollback`, "rollback", 0.03],
  ] as const) {
    const restart = upsertRun(db, name, { tokensPerStep: 1000, parentRunId: unstable.id, forkTokens: 350_000, kind });
    upsertLogPoints(db, restart.id, points(351, 600, (s) => smooth(s) + offset, (s) => 1 + 0.1 * Math.cos(s)));
  }
  return unstable;
}

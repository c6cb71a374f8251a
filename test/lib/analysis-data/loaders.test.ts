import { describe, expect, it } from "vitest";
import type { Db } from "../../../db/client";
import { insertEvaluationOnce, insertMetrics, listCells } from "../../../db/queries";
import { annealingPrediction, pickConfig, pickRunMerge } from "../../../lib/analysis";
import { listRestartedRuns, loadRestartCurves, loadSweepScores, loadTopLevelRunScores } from "../../../lib/analysis-data";
import { readComposites } from "../../../lib/sweeps/show";
import { appendSweepCells } from "../../../lib/sweeps";
import { parseSchemeList } from "../../../lib/merge/weights";
import { accAt, FORKS, LARGE, lossAt, M, seedResearchData, SMALL, UNSCORED_FORK, UNSTABLE } from "../../helpers/research-data";
import { tempDataDir } from "../jobs/helpers";

function setup() {
  const { db, dataDir } = tempDataDir("pma-analysis-data-");
  const seeded = seedResearchData(db, dataDir);
  return { db, dataDir, seeded, composites: readComposites(dataDir) };
}

/** How many statements a call prepares: the loaders must not grow with the number of cells. */
function countStatements<T>(db: Db, fn: () => T): { result: T; statements: number } {
  const client = db.$client;
  const prepare = client.prepare.bind(client);
  let statements = 0;
  client.prepare = ((source: string) => {
    statements += 1;
    return prepare(source);
  }) as typeof client.prepare;
  try {
    return { result: fn(), statements };
  } finally {
    client.prepare = prepare;
  }
}

describe("loadSweepScores", () => {
  it("reads the run's checkpoints, the sweep's merged models and the annealed branches with their scores", () => {
    const { db, seeded, composites } = setup();
    const { data, run } = loadSweepScores(db, seeded.smallSweepId, composites);
    expect(run.name).toBe(SMALL);
    expect(data.params).toBe(130_000_000);
    expect(data.checkpoints).toHaveLength(12);
    expect(data.checkpoints[3].scores["heldout/loss"]).toEqual({ value: lossAt(4 * M), stderr: null, n: 8192 });
    expect(data.checkpoints[3].scores.acc).toEqual({ value: accAt(4 * M), stderr: 0.01, n: 1000 });
    expect(data.annealed.map((b) => [b.name, b.forkTokens, b.checkpoints.length])).toEqual([
      [`${SMALL}-anneal-4M`, 4 * M, 2],
      [`${SMALL}-anneal-6M`, 6 * M, 2],
      [`${SMALL}-anneal-8M`, 8 * M, 2],
      [`${SMALL}-anneal-10M`, 10 * M, 2],
    ]);
    const feasible = listCells(db, seeded.smallSweepId).filter((c) => c.recipeHash);
    expect(data.cells).toHaveLength(feasible.length);
    expect(data.cells.every((c) => c.scores["heldout/loss"] && c.scores.acc)).toBe(true);
    expect(new Set(data.cells.map((c) => c.scheme))).toEqual(new Set(["sma", "wma", "ema:0.2"]));
  });

  it("adds the evaluators config's composites and knows every metric's direction", () => {
    const { db, seeded, composites } = setup();
    const { data } = loadSweepScores(db, seeded.smallSweepId, composites);
    expect(data.metrics).toEqual([
      { name: "acc", higherIsBetter: true, composite: false },
      { name: "heldout/loss", higherIsBetter: false, composite: false },
      { name: "overall", higherIsBetter: true, composite: true },
    ]);
    // overall = (1·acc − 0.1·loss) / 1.1; no stderr, since the loss has none.
    expect(data.checkpoints[0].scores.overall).toEqual({ value: expect.closeTo((accAt(M) - 0.1 * lossAt(M)) / 1.1, 12), stderr: null, n: null });
  });

  it("takes the evaluation that finished last, and ignores failed ones", () => {
    const { db, seeded, composites } = setup();
    const checkpointId = loadSweepScores(db, seeded.smallSweepId, composites).data.checkpoints[0].id;
    const later = insertEvaluationOnce(db, { key: "later", evaluator: "fixture", evaluatorFingerprint: null, origin: "import", target: { checkpointId }, status: "succeeded", now: 1_800_000_000_000 });
    insertMetrics(db, later.evaluation.id, [{ name: "acc", value: 0.99, stderr: null, n: null, higherIsBetter: true }]);
    const failed = insertEvaluationOnce(db, { key: "failed", evaluator: "fixture", evaluatorFingerprint: null, origin: "import", target: { checkpointId }, status: "failed", now: 1_900_000_000_000 });
    insertMetrics(db, failed.evaluation.id, [{ name: "acc", value: 0.01, stderr: null, n: null, higherIsBetter: true }]);
    const scores = loadSweepScores(db, seeded.smallSweepId, composites).data.checkpoints[0].scores;
    expect(scores.acc.value).toBe(0.99);
    expect(scores["heldout/loss"].value).toBe(lossAt(M));
  });

  it("feeds the prediction: three forks compared, the unscored anneal named as missing", () => {
    const { db, seeded, composites } = setup();
    const { data } = loadSweepScores(db, seeded.smallSweepId, composites);
    const config = pickConfig(data.cells, "heldout/loss")!;
    const prediction = annealingPrediction(data, "heldout/loss", config);
    expect(prediction.rows.map((r) => r.fork)).toEqual(FORKS);
    expect(prediction.missing).toEqual([{ fork: UNSCORED_FORK, branch: `${SMALL}-anneal-10M`, reason: expect.stringContaining("has no heldout/loss score") }]);
  });

  it("costs the same few statements for a sweep of 48 cells as after appending more", () => {
    const { db, dataDir, seeded, composites } = setup();
    const before = countStatements(db, () => loadSweepScores(db, seeded.smallSweepId, composites));
    appendSweepCells(db, seeded.smallSweepId, { points: [5 * M, 7 * M, 9 * M, 11 * M, 12 * M], ns: [2, 3, 4, 5], intervals: [M, 2 * M], schemes: parseSchemeList("sma,wma,ema:0.1,ema:0.2") }, { dataDir, statDisk: () => ({ freeBytes: 1e15, totalBytes: 2e15 }) });
    const after = countStatements(db, () => loadSweepScores(db, seeded.smallSweepId, composites));
    expect(after.result.data.cells.length).toBeGreaterThan(before.result.data.cells.length + 100);
    expect(after.statements).toBe(before.statements);
    expect(before.statements).toBeGreaterThanOrEqual(5);
    expect(before.statements).toBeLessThanOrEqual(8);
  });

  it("says which sweep does not exist", () => {
    const { db } = tempDataDir("pma-analysis-data-");
    expect(() => loadSweepScores(db, 42, [])).toThrow(expect.objectContaining({ code: "sweep_not_found", message: "no sweep #42" }));
  });
});

describe("loadTopLevelRunScores", () => {
  it("returns each top-level run with the merges of all its sweeps, never a branch or a restart", () => {
    const { db, composites } = setup();
    const runs = loadTopLevelRunScores(db, composites);
    expect(runs.map((r) => r.run)).toEqual([LARGE, SMALL, UNSTABLE]);
    const large = runs[0];
    expect(large.cells).toHaveLength(2);
    expect(pickRunMerge(large)).toMatchObject({ point: 6 * M, config: { scheme: "sma", n: 3, interval: M }, checkpoint: { tokens: 6 * M } });
    expect(runs[1].annealed).toHaveLength(4);
    expect(runs[2]).toMatchObject({ cells: [], checkpoints: [] });
  });
});

describe("restarts", () => {
  it("finds runs restarted from before a spike and reads both logs in one go", () => {
    const { db } = setup();
    const restarted = listRestartedRuns(db);
    expect(restarted.map((r) => [r.run.name, r.restarts.map((x) => x.kind)])).toEqual([[UNSTABLE, ["pma-init", "rollback"]]]);
    const curves = loadRestartCurves(db, restarted[0], ["loss", "grad_norm"]);
    expect(curves.original.logs.loss).toHaveLength(600);
    expect(curves.restarts.map((r) => [r.name, r.forkTokens, r.logs.grad_norm.length])).toEqual([
      [`${UNSTABLE}-pma-init`, 350_000, 250],
      [`${UNSTABLE}-rollback`, 350_000, 250],
    ]);
  });
});

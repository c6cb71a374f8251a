import type { Db } from "../../db/client";
import { listRunCheckpointPoints, listRunCheckpointScores, listScopeCells, listScopeRecipeScores, type CellScope } from "../../db/queries";
import type { Run } from "../../db/schema";
import type { RunScores, ScoredCheckpoint, Scores } from "../analysis";
import type { CompositeDefinition } from "../eval/composite";
import { formatSchemeToken } from "../merge/weights";
import { groupScores, metricInfos } from "./scores";

/**
 * Reads what the analysis needs about runs — each run's checkpoints, its annealed branches' checkpoints, the
 * merged models of the cells in scope and all their scores — in five set-based queries, however many runs,
 * cells and checkpoints there are, and shapes it into the analysis' RunScores.
 */
export interface RunFamily {
  run: Run;
  /** Its annealed branches (kind "annealed", with a fork point). */
  annealed: Run[];
}

const empty: Scores = Object.freeze({});

export function loadRunScores(db: Db, families: readonly RunFamily[], scope: CellScope, composites: readonly CompositeDefinition[]): RunScores[] {
  const runIds = [...new Set(families.flatMap((f) => [f.run.id, ...f.annealed.map((b) => b.id)]))];
  const points = listRunCheckpointPoints(db, runIds);
  const checkpointRows = listRunCheckpointScores(db, runIds);
  const cells = listScopeCells(db, scope);
  const recipeRows = listScopeRecipeScores(db, scope);
  const checkpointScores = groupScores(checkpointRows, (row) => row.checkpointId, composites);
  const recipeScores = groupScores(recipeRows, (row) => row.recipeHash, composites);

  const tokensPerStep = new Map(families.flatMap((f) => [f.run, ...f.annealed]).map((run) => [run.id, run.tokensPerStep]));
  const checkpointsOf = (runId: number): ScoredCheckpoint[] =>
    points.flatMap((c) => {
      if (c.runId !== runId) return [];
      const perStep = tokensPerStep.get(runId);
      const tokens = c.tokens ?? (perStep ? c.step * perStep : null);
      return tokens === null ? [] : [{ id: c.id, step: c.step, tokens, scores: checkpointScores.get(c.id) ?? empty }];
    });
  const metrics = metricInfos([...checkpointRows, ...recipeRows], [...checkpointScores.values(), ...recipeScores.values()], composites);

  return families.map(({ run, annealed }) => {
    const own = cells.filter((cell) => cell.runId === run.id);
    return {
      run: run.name,
      params: run.params,
      metrics,
      checkpoints: checkpointsOf(run.id),
      cells: own.map((cell) => ({ id: cell.id, scheme: formatSchemeToken(cell.scheme), n: cell.n, interval: cell.interval, point: cell.point, scores: recipeScores.get(cell.recipeHash) ?? empty })),
      annealed: annealed.filter((b) => b.forkTokens !== null).map((b) => ({ name: b.name, forkTokens: b.forkTokens!, checkpoints: checkpointsOf(b.id) })),
    };
  });
}

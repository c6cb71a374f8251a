import type { Db } from "../../db/client";
import { findRecipe, listRunLogSeries, listRuns, type LogRow } from "../../db/queries";
import type { Run } from "../../db/schema";
import type { LoggedRun, RestartRun } from "../analysis";
import { formatSchemeLabel } from "../merge/weights";

/**
 * Runs restarted from before a loss spike: a restart is a run forked from another (`parentRunId`) whose kind is
 * "pma-init" (initialised from a merge of pre-spike checkpoints) or "rollback" (from the latest one).
 */
export const RESTART_KINDS = ["pma-init", "rollback"] as const;

export interface RestartedRun {
  run: Run;
  restarts: Run[];
}

export function listRestartedRuns(db: Db): RestartedRun[] {
  const all = listRuns(db);
  const isRestart = (run: Run) => run.parentRunId !== null && (RESTART_KINDS as readonly string[]).includes(run.kind ?? "");
  return all.flatMap((run) => {
    const restarts = all.filter((child) => child.parentRunId === run.id && isRestart(child));
    return restarts.length ? [{ run, restarts }] : [];
  });
}

/** "SMA of 3 checkpoints", from the recipe a PMA-init run was initialised from. */
function describeInit(db: Db, run: Run): string | null {
  if (!run.initRecipeHash) return null;
  const stored = findRecipe(db, run.initRecipeHash);
  if (!stored) return null;
  const count = stored.recipe.inputs.length;
  return `${formatSchemeLabel(stored.recipe.scheme)} of ${count} checkpoint${count === 1 ? "" : "s"}`;
}

/** The original run and its restarts with the named log series, in one query for every run's logs. */
export function loadRestartCurves(db: Db, restarted: RestartedRun, series: readonly string[]): { original: LoggedRun; restarts: RestartRun[] } {
  const rows = listRunLogSeries(db, [restarted.run.id, ...restarted.restarts.map((r) => r.id)], [...series]);
  const byRun = new Map<number, Record<string, LogRow[]>>();
  for (const row of rows) {
    const logs = byRun.get(row.runId) ?? {};
    (logs[row.series] ??= []).push(row);
    byRun.set(row.runId, logs);
  }
  const logsOf = (runId: number) => byRun.get(runId) ?? {};
  return {
    original: { name: restarted.run.name, tokensPerStep: restarted.run.tokensPerStep, logs: logsOf(restarted.run.id) },
    restarts: restarted.restarts.map((run) => ({
      name: run.name,
      kind: run.kind,
      forkTokens: run.forkTokens,
      init: describeInit(db, run),
      tokensPerStep: run.tokensPerStep ?? restarted.run.tokensPerStep,
      logs: logsOf(run.id),
    })),
  };
}

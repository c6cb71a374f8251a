import type { Db } from "../../db/client";
import { listRuns } from "../../db/queries";
import type { RunScores } from "../analysis";
import type { CompositeDefinition } from "../eval/composite";
import { loadRunScores } from "./run-scores";

/**
 * Runs side by side (the compare page, a report's before/after bars): every top-level run — not a branch or a
 * restart of another — with the merged models of all its sweeps and its annealed branches.
 */
export function loadTopLevelRunScores(db: Db, composites: readonly CompositeDefinition[]): RunScores[] {
  const all = listRuns(db);
  const topLevel = all.filter((run) => run.parentRunId === null);
  const families = topLevel.map((run) => ({ run, annealed: all.filter((b) => b.parentRunId === run.id && b.kind === "annealed" && b.forkTokens !== null) }));
  return loadRunScores(db, families, { runIds: topLevel.map((run) => run.id) }, composites);
}

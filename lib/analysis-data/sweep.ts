import type { Db } from "../../db/client";
import { findRunById, findSweepById, listBranches } from "../../db/queries";
import type { Run, SweepStatus } from "../../db/schema";
import type { RunScores } from "../analysis";
import type { CompositeDefinition } from "../eval/composite";
import { PmaError } from "../errors";
import { loadRunScores } from "./run-scores";

/** A sweep's charts and prediction read this: its run's checkpoints, the sweep's merged models, the annealed branches. */
export interface SweepScores {
  sweepId: number;
  status: SweepStatus;
  run: Run;
  evaluators: string[];
  data: RunScores;
}

export function annealedBranches(db: Db, runId: number): Run[] {
  return listBranches(db, runId).filter((branch) => branch.kind === "annealed" && branch.forkTokens !== null);
}

export function loadSweepScores(db: Db, sweepId: number, composites: readonly CompositeDefinition[]): SweepScores {
  const sweep = findSweepById(db, sweepId);
  if (!sweep) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const run = findRunById(db, sweep.runId);
  if (!run) throw new PmaError("run_not_found", `the sweep's run #${sweep.runId} no longer exists`);
  const [data] = loadRunScores(db, [{ run, annealed: annealedBranches(db, run.id) }], { sweepId }, composites);
  return { sweepId, status: sweep.status, run, evaluators: sweep.evaluators, data };
}

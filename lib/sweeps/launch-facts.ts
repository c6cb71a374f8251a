import type { Db } from "../../db/client";
import { findRunByName, listBranches, listCheckpoints, listRuns } from "../../db/queries";
import { PmaError } from "../errors";
import { checkpointSpacing, type PointFacts } from "./points";

/** A run as the launcher's picker shows it: enough to choose merge points and intervals without a round trip. */
export interface LaunchRun {
  name: string;
  kind: string | null;
  /** Forked from another run (an annealed baseline, a restart): listed after the trajectories one merges. */
  isBranch: boolean;
  tokensPerStep: number | null;
  checkpoints: number;
  minTokens: number | null;
  maxTokens: number | null;
  /** Most common gap between consecutive checkpoints, tokens. */
  spacing: number | null;
  branchPoints: { run: string; tokens: number }[];
}

/**
 * Every run for the picker, trajectories before branches, and the default: the non-branch run with the most
 * checkpoints (a pre-training run's main trajectory, not an annealed branch or a restart).
 */
export function listLaunchRuns(db: Db): { runs: LaunchRun[]; defaultRun: string | null } {
  const summaries = listRuns(db);
  const runs = summaries.map((run): LaunchRun => {
    const facts = readPointFacts(db, run.id, run.tokensPerStep);
    return {
      name: run.name,
      kind: run.kind,
      isBranch: run.parentRunId !== null,
      tokensPerStep: run.tokensPerStep,
      checkpoints: facts.checkpointTokens.length,
      minTokens: facts.checkpointTokens.length ? Math.min(...facts.checkpointTokens) : null,
      maxTokens: facts.checkpointTokens.length ? Math.max(...facts.checkpointTokens) : null,
      spacing: checkpointSpacing(facts.checkpointTokens),
      branchPoints: facts.branchPoints,
    };
  });
  runs.sort((a, b) => Number(a.isBranch) - Number(b.isBranch) || a.name.localeCompare(b.name));
  const trunks = runs.filter((run) => !run.isBranch && run.checkpoints > 0);
  const best = trunks.reduce<LaunchRun | null>((top, run) => (!top || run.checkpoints > top.checkpoints ? run : top), null);
  return { runs, defaultRun: best?.name ?? runs[0]?.name ?? null };
}

/** The facts of the run named in a launch form. */
export function findPointFacts(db: Db, runName: string): PointFacts & { runId: number } {
  const run = findRunByName(db, runName);
  if (!run) throw new PmaError("run_not_found", `no run named "${runName}"`, { details: { field: "run" } });
  return { runId: run.id, ...readPointFacts(db, run.id, run.tokensPerStep) };
}

function readPointFacts(db: Db, runId: number, tokensPerStep: number | null): PointFacts {
  const checkpointTokens = listCheckpoints(db, runId).flatMap((checkpoint) => (checkpoint.tokens === null ? [] : [checkpoint.tokens]));
  const branchPoints = listBranches(db, runId)
    .filter((branch) => branch.kind === "annealed" && branch.forkTokens !== null)
    .map((branch) => ({ run: branch.name, tokens: branch.forkTokens! }));
  return { tokensPerStep, checkpointTokens, branchPoints };
}

import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { findCheckpointByPath, findRunByName, listCheckpoints } from "../../db/queries";
import type { Checkpoint } from "../../db/schema";
import { PmaError } from "../errors";

/** A checkpoint named by the user: its directory, or its run and step. */
export type CheckpointRef = { checkpoint: string } | { run: string; step: number };

export function describeRef(ref: CheckpointRef): string {
  return "checkpoint" in ref ? ref.checkpoint : `run ${ref.run} step ${ref.step}`;
}

/**
 * The registered checkpoint a reference names. Scores attach only to registered checkpoints: an unknown path or
 * step is an error that says how to register it, never a silently created row. A checkpoint whose files have
 * gone missing still takes scores (baselines scored elsewhere are often deleted afterwards).
 */
export function findRegisteredCheckpoint(db: Db, ref: CheckpointRef): Checkpoint {
  if ("checkpoint" in ref) {
    const candidates = new Set([path.resolve(ref.checkpoint)]);
    try {
      candidates.add(fs.realpathSync(ref.checkpoint));
    } catch {
      // Gone from disk: the registry may still know it by the path it had.
    }
    for (const candidate of candidates) {
      const found = findCheckpointByPath(db, candidate);
      if (found) return found;
    }
    throw new PmaError("eval_checkpoint_unregistered", `${ref.checkpoint} is not a registered checkpoint; register its run first (pma-lab scan DIR --run NAME)`, {
      details: { checkpoint: ref.checkpoint },
    });
  }
  const run = findRunByName(db, ref.run);
  if (!run) throw new PmaError("eval_checkpoint_unregistered", `no run named "${ref.run}"; register it first (pma-lab scan DIR --run ${ref.run})`, { details: ref });
  const all = listCheckpoints(db, run.id, { includeMissing: true });
  const found = all.find((checkpoint) => checkpoint.step === ref.step);
  if (!found) {
    const steps = all.length ? `it has steps ${all[0].step} … ${all[all.length - 1].step}` : "it has no checkpoints";
    throw new PmaError("eval_checkpoint_unregistered", `run "${ref.run}" has no checkpoint at step ${ref.step} (${steps})`, { details: ref });
  }
  return found;
}

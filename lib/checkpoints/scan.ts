import fs from "node:fs/promises";
import path from "node:path";
import { describeError, isPmaError, PmaError } from "../errors";
import { openCheckpoint, type OpenedCheckpoint } from "../safetensors/checkpoint";
import { diffSignatures, fingerprintCheckpoint, tensorSignature } from "./fingerprint";
import { findCheckpointDirs, findStepGaps, type CheckpointLayout } from "./layouts";
import { resolveAllowedDirectory, resolveAllowedFile } from "./paths";
import { parseCsvLog, parseJsonlLog, parseTrainerState, type TrainingLogRow } from "./training-log";

export interface ScannedCheckpoint {
  step: number;
  layout: CheckpointLayout;
  path: string;
  opened: OpenedCheckpoint;
  fingerprint: string;
  /** Tokens recorded by the layout itself (HF Trainer's num_input_tokens_seen), when present. */
  tokensSeen?: number;
}

export interface DirectoryScan {
  directory: string;
  checkpoints: ScannedCheckpoint[];
  rejected: { path: string; reason: string; code: string }[];
  logRows: TrainingLogRow[];
  warnings: string[];
}

const LOG_FILES = ["train_log.jsonl", "training_log.jsonl", "log.jsonl", "metrics.jsonl", "train_log.csv", "training_log.csv", "log.csv", "metrics.csv"];

/**
 * Finds a run's checkpoints under `directory` (already resolved inside the roots), validates each one's
 * headers, and reads the training log. Nothing is written: the caller records the result in one transaction.
 */
export async function scanDirectory(directory: string, roots: string[]): Promise<DirectoryScan> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory() || entry.isSymbolicLink()).map((entry) => entry.name);
  const { found, conflicts } = findCheckpointDirs(names);
  const rejected: DirectoryScan["rejected"] = conflicts.map((conflict) => ({
    path: path.join(directory, conflict.name),
    code: "checkpoint_step_conflict",
    reason: `two directories claim step ${conflict.step}; rename or remove one`,
  }));
  if (found.length === 0 && conflicts.length === 0) throw noCheckpointsError(directory, names, entries.map((entry) => entry.name));

  const scanned: ScannedCheckpoint[] = [];
  for (const candidate of found) {
    const candidatePath = path.join(directory, candidate.name);
    try {
      const real = await resolveAllowedDirectory(candidatePath, roots);
      const opened = await openCheckpoint(real);
      // A shard that is a symlink must not lead outside the roots either.
      for (const shard of opened.shards) await resolveAllowedFile(shard.filePath, roots);
      const tokensSeen = await readTokensSeen(real);
      scanned.push({ step: candidate.step, layout: candidate.layout, path: real, opened, fingerprint: await fingerprintCheckpoint(opened), tokensSeen });
    } catch (error) {
      if (!isPmaError(error)) throw error;
      rejected.push({ path: candidatePath, code: error.code, reason: describeError(error) });
    }
  }

  const consistent = rejectDisagreeing(scanned, rejected);
  const warnings = findStepGaps(consistent.map((checkpoint) => checkpoint.step)).map(
    (gap) => `gap in steps: nothing between ${gap.after} and ${gap.before} (checkpoints are usually ${gap.expected} steps apart)`,
  );
  const logRows = await readTrainingLog(directory, consistent);
  return { directory, checkpoints: consistent, rejected, logRows, warnings };
}

/** Keeps the checkpoints that share the most common tensor signature; the rest are rejected with a diff. */
function rejectDisagreeing(scanned: ScannedCheckpoint[], rejected: DirectoryScan["rejected"]): ScannedCheckpoint[] {
  if (scanned.length < 2) return scanned;
  const groups = new Map<string, ScannedCheckpoint[]>();
  for (const checkpoint of scanned) {
    const signature = tensorSignature(checkpoint.opened);
    groups.set(signature, [...(groups.get(signature) ?? []), checkpoint]);
  }
  if (groups.size === 1) return scanned;
  // The largest group wins; on a tie, the group holding the newest checkpoint.
  const winner = [...groups.values()].sort((a, b) => b.length - a.length || b[b.length - 1].step - a[a.length - 1].step)[0];
  for (const checkpoint of scanned) {
    if (winner.includes(checkpoint)) continue;
    rejected.push({
      path: checkpoint.path,
      code: "checkpoint_tensors_disagree",
      reason: `its tensors disagree with the run's other ${winner.length} checkpoint(s): ${diffSignatures(winner[0].opened, checkpoint.opened)}`,
    });
  }
  return winner;
}

async function readTokensSeen(checkpointDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(checkpointDir, "trainer_state.json"), "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return parseTrainerState(text, "trainer_state.json").tokensSeen;
  } catch {
    return undefined;
  }
}

/**
 * The training log: a log file in the run directory if there is one, else the newest HF checkpoint's
 * trainer_state.json (its log_history is cumulative).
 */
async function readTrainingLog(directory: string, checkpoints: ScannedCheckpoint[]): Promise<TrainingLogRow[]> {
  for (const name of LOG_FILES) {
    const file = path.join(directory, name);
    const text = await fs.readFile(/*turbopackIgnore: true*/ file, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    return name.endsWith(".csv") ? parseCsvLog(text, file) : parseJsonlLog(text, file);
  }
  const stateFiles = [path.join(directory, "trainer_state.json"), ...[...checkpoints].reverse().map((c) => path.join(c.path, "trainer_state.json"))];
  for (const file of stateFiles) {
    const text = await fs.readFile(/*turbopackIgnore: true*/ file, "utf8").catch(() => undefined);
    if (text !== undefined) return parseTrainerState(text, file).rows;
  }
  return [];
}

function noCheckpointsError(directory: string, subdirectories: string[], allNames: string[]): PmaError {
  const layouts = "checkpoint-<step>, step-<n>, step_<n>, iter_<n>, global_step<n>";
  if (allNames.includes("model.safetensors") || allNames.includes("model.safetensors.index.json")) {
    return new PmaError(
      "scan_single_checkpoint",
      `${directory} is a single checkpoint, not a run directory: scan the directory that holds its sibling checkpoints (${layouts})`,
    );
  }
  const seen = subdirectories.slice(0, 5).join(", ");
  return new PmaError(
    "scan_no_checkpoints",
    subdirectories.length === 0
      ? `${directory} holds no checkpoint directories (expected ${layouts})`
      : `${directory} holds no checkpoint directories in a known layout (found ${seen}${subdirectories.length > 5 ? ", …" : ""}; expected ${layouts})`,
  );
}

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { findRunByName, listCheckpoints, recordCheckpointSha } from "../../db/queries";
import type { Checkpoint } from "../../db/schema";
import { PmaError } from "../errors";
import { resolveAllowedFile } from "./paths";

/** sha256 of one file, streamed (never held in memory). */
export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 8 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * A checkpoint's content identity: for a single file, that file's sha256; for shards, the sha256 of the lines
 * "<file>\t<sha256>\n" in shard order (the same rule the merge engine uses for its outputs).
 */
export async function hashCheckpointFiles(checkpoint: Pick<Checkpoint, "path" | "shards">, roots: string[]): Promise<string> {
  const digests: string[] = [];
  for (const shard of checkpoint.shards) {
    const file = await resolveAllowedFile(path.join(checkpoint.path, shard.file), roots);
    digests.push(await sha256File(file));
  }
  if (digests.length === 1) return digests[0];
  return createHash("sha256")
    .update(checkpoint.shards.map((shard, index) => `${shard.file}\t${digests[index]}\n`).join(""))
    .digest("hex");
}

/** Computes the full sha256 of every checkpoint of a run that lacks one; returns what was hashed. */
export async function hashRunCheckpoints(
  db: Db,
  roots: string[],
  runName: string,
  options: { step?: number; force?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ step: number; sha256: string }[]> {
  const run = findRunByName(db, runName);
  if (!run) throw new PmaError("run_not_found", `Run "${runName}" is not registered`);
  const targets = listCheckpoints(db, run.id).filter(
    (checkpoint) => (options.step === undefined || checkpoint.step === options.step) && (options.force || checkpoint.sha256 === null),
  );
  const hashed: { step: number; sha256: string }[] = [];
  for (const [index, checkpoint] of targets.entries()) {
    const sha256 = await hashCheckpointFiles(checkpoint, roots);
    // Recorded only if the fingerprint is unchanged: a checkpoint rewritten meanwhile keeps no stale hash.
    if (recordCheckpointSha(db, checkpoint.id, checkpoint.fingerprint, sha256)) hashed.push({ step: checkpoint.step, sha256 });
    options.onProgress?.(index + 1, targets.length);
  }
  return hashed;
}

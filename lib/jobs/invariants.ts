import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import {
  doneCellsWithoutOutput,
  inconsistentLeases,
  integrityProblems,
  jobsRunningOnExpiredLeases,
  jobsWithSeveralWins,
  metricsOfLosingAttempts,
  publishedArtifactRows,
  runningJobCount,
  succeededJobsWithoutWin,
} from "../../db/queries";
import { dataLayout, isInside, listTree } from "../disk";
import { parseShardIndex } from "../safetensors/shard-index";

/**
 * The invariants of reliability.md, checked against a data dir after anything went wrong (every crash test runs
 * this; `pma-lab check` runs it by hand): the database is intact; no job runs on a long-expired lease, wins twice,
 * or succeeded without a winning attempt; every published artifact is inside the artifacts directory, a real
 * directory holding exactly the recorded files and bytes, and — re-hashed from disk — the recorded sha256; each
 * done sweep cell has its one output; no metric belongs to a losing attempt; and, when nothing is running, no
 * partial, orphan or unrecorded directory is left. Returns the violations, empty when all hold.
 */
export interface InvariantOptions {
  now?: number;
  /** How long past its expiry a lease may go unnoticed (nobody claimed since): default 5 s. */
  graceMs?: number;
  /** Re-hash every published artifact (reads every byte); default true. */
  hash?: boolean;
}

export interface InvariantReport {
  violations: string[];
  artifacts: number;
  bytesHashed: number;
}

export function checkInvariants(db: Db, dataDir: string, options: InvariantOptions = {}): InvariantReport {
  const violations: string[] = [...integrityProblems(db)];
  const now = options.now ?? Date.now();
  for (const job of jobsRunningOnExpiredLeases(db, now - (options.graceMs ?? 5_000))) violations.push(`job #${job.id} is running on a lease that expired at ${new Date(job.leaseExpiresAt).toISOString()}`);
  for (const job of jobsWithSeveralWins(db)) violations.push(`job #${job.jobId} has ${job.wins} winning attempts`);
  for (const job of succeededJobsWithoutWin(db)) violations.push(`job #${job.id} succeeded without a winning attempt`);
  for (const row of inconsistentLeases(db)) violations.push(`job #${row.jobId}: ${row.problem}`);
  for (const row of doneCellsWithoutOutput(db)) violations.push(`sweep cell #${row.cellId} is done but recipe ${row.recipeHash.slice(0, 12)} has no output`);
  for (const row of metricsOfLosingAttempts(db)) violations.push(`evaluation #${row.evaluationId} is ${row.status} yet holds ${row.rows} metrics (a losing attempt's)`);

  const root = dataLayout(dataDir).artifacts;
  const realRoot = fs.existsSync(root) ? fs.realpathSync(root) : root;
  const published = publishedArtifactRows(db);
  let bytesHashed = 0;
  for (const artifact of published) {
    const dir = path.join(root, artifact.name);
    const where = `artifact ${artifact.name}`;
    const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) {
      violations.push(`${where}: recorded as published but missing on disk`);
      continue;
    }
    if (!stat.isDirectory() || !isInside(fs.realpathSync(dir), realRoot)) {
      violations.push(`${where}: not a directory inside ${root}`);
      continue;
    }
    let entries: { file: string; bytes: number }[];
    try {
      entries = listTree(dir);
    } catch (error) {
      violations.push(`${where}: ${(error as Error).message}`);
      continue;
    }
    const recorded = [...(JSON.parse(artifact.files) as string[])].sort();
    const onDisk = entries.map((entry) => entry.file);
    if (JSON.stringify(onDisk) !== JSON.stringify(recorded)) violations.push(`${where}: files on disk [${onDisk.join(", ")}] differ from the recorded [${recorded.join(", ")}]`);
    const bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    if (bytes !== artifact.bytes) violations.push(`${where}: ${bytes} bytes on disk, ${artifact.bytes} recorded`);
    if (options.hash ?? true) {
      const actual = artifactSha256(artifact.kind, dir, entries);
      bytesHashed += bytes;
      if (actual !== artifact.sha256) violations.push(`${where}: sha256 on disk ${actual ?? "(cannot be computed)"} differs from the recorded ${artifact.sha256}`);
    }
  }

  if (runningJobCount(db) === 0 && fs.existsSync(root)) {
    const live = new Set(published.map((artifact) => artifact.name));
    for (const folder of fs.readdirSync(root)) {
      const dir = path.join(root, folder);
      if (!fs.lstatSync(dir).isDirectory()) continue;
      for (const entry of fs.readdirSync(dir)) {
        const name = `${folder}/${entry}`;
        if (/\.(partial|orphan|deleting)-/.test(entry)) violations.push(`${name}: a leftover partial or orphan directory`);
        else if (!live.has(name)) violations.push(`${name}: a directory no published artifact records`);
      }
    }
  }
  return { violations, artifacts: published.length, bytesHashed };
}

/**
 * An artifact's sha256 as its producer defines it: a merged model's is its weights file's, or for shards the
 * sha256 of `<file>\t<sha256>\n` lines in index order; a test output's is its one file's; an evaluation's raw
 * outputs hash every file's name, size and bytes in order (lib/eval/job.ts).
 */
export function artifactSha256(kind: string, dir: string, entries = listTree(dir)): string | undefined {
  const fileSha = (file: string): string => createHash("sha256").update(fs.readFileSync(path.join(dir, file))).digest("hex");
  if (kind === "merge") {
    const indexFile = path.join(dir, "model.safetensors.index.json");
    if (!fs.existsSync(indexFile)) return entries.some((e) => e.file === "model.safetensors") ? fileSha("model.safetensors") : undefined;
    const shards = [...new Set(Object.values(parseShardIndex(fs.readFileSync(indexFile, "utf8"), indexFile).weightMap))].sort();
    return createHash("sha256").update(shards.map((file) => `${file}\t${fileSha(file)}\n`).join("")).digest("hex");
  }
  if (kind === "test") return entries.length === 1 ? fileSha(entries[0].file) : undefined;
  if (kind === "eval") {
    const hash = createHash("sha256");
    for (const entry of entries) hash.update(`${entry.file}\0${entry.bytes}\0`).update(fs.readFileSync(path.join(dir, entry.file)));
    return hash.digest("hex");
  }
  return undefined;
}

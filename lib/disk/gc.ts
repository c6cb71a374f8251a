import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { writeTransaction, type Db } from "../../db/client";
import { listCollectableArtifacts, listJobs, listPublishedArtifacts, markArtifactDeleted, sumPublishedBytes } from "../../db/queries";
import type { Job } from "../../db/schema";
import type { EvaluateJobPayload } from "../eval/payload";
import type { MergePassPayload, NoopPayload, PmaInitPayload } from "../jobs/kinds";
import { dataLayout, partialName, PARTIAL_PATTERN } from "./layout";
import { statDisk, type StatDisk } from "./space";
import { directorySize, removeTree } from "./tree";

export interface DiskUsage {
  dataDir: string;
  artifacts: { count: number; bytes: number };
  logsBytes: number;
  freeBytes: number;
  totalBytes: number;
}

export interface GcReport {
  dryRun: boolean;
  deleted: { artifactId: number; name: string; bytes: number }[];
  freedBytes: number;
  /** Leftovers no row vouches for: dead attempts' partials, orphans of a crash between rename and commit. */
  strays: string[];
  usage: DiskUsage;
}

const MANAGED = ["merges", "inits", "test", "evals"];

/**
 * Deletes merged models nobody needs (every cell using them has keep = false and its sweep is finished) and the
 * strays of crashed attempts, then reports disk usage. Rows flip to "deleted" in a write transaction before the
 * files go, so a crash mid-way leaves strays (collected next time), never a row pointing at missing files; the
 * stray scan itself holds the write lock, so it cannot race a publish's rename-and-commit.
 */
export function collectGarbage(db: Db, dataDir: string, options: { dryRun?: boolean; statDisk?: StatDisk } = {}): GcReport {
  const layout = dataLayout(dataDir);
  const dryRun = Boolean(options.dryRun);
  const doomed: string[] = [];
  const { deleted, strays } = writeTransaction(db, (tx) => {
    const deleted = listCollectableArtifacts(tx).map((artifact) => ({ artifactId: artifact.id, name: artifact.name, bytes: artifact.bytes }));
    const strays = findStrays(tx, layout.artifacts);
    if (!dryRun) {
      for (const artifact of deleted) markArtifactDeleted(tx, artifact.artifactId);
      // Moved aside while holding the lock; removed after the commit.
      for (const item of [...deleted.map((artifact) => artifact.name), ...strays]) {
        const source = path.join(layout.artifacts, item);
        if (!fs.existsSync(source)) continue;
        const aside = `${source}.deleting-${randomBytes(4).toString("hex")}`;
        fs.renameSync(source, aside);
        doomed.push(aside);
      }
    }
    return { deleted, strays };
  });
  for (const target of doomed) removeTree(target);
  return { dryRun, deleted, freedBytes: deleted.reduce((total, artifact) => total + artifact.bytes, 0), strays, usage: diskUsage(db, dataDir, options.statDisk) };
}

export function diskUsage(db: Db, dataDir: string, probe: StatDisk = statDisk): DiskUsage {
  const layout = dataLayout(dataDir);
  const space = probe(fs.existsSync(dataDir) ? dataDir : path.dirname(dataDir));
  return { dataDir, artifacts: sumPublishedBytes(db), logsBytes: directorySize(layout.logs), freeBytes: space.freeBytes, totalBytes: space.totalBytes };
}

function findStrays(tx: Db, artifactsDir: string): string[] {
  const live = new Set(listPublishedArtifacts(tx).map((artifact) => artifact.name));
  const inUse = new Set(listJobs(tx, { statuses: ["running"], limit: 100_000 }).flatMap(livePartials));
  const strays: string[] = [];
  for (const folder of MANAGED) {
    // Data-dir paths, known only at run time: keep the bundler from tracing the project through them.
    const dir = path.join(/*turbopackIgnore: true*/ artifactsDir, folder);
    if (!fs.existsSync(/*turbopackIgnore: true*/ dir)) continue;
    for (const entry of fs.readdirSync(/*turbopackIgnore: true*/ dir)) {
      const name = `${folder}/${entry}`;
      const partial = PARTIAL_PATTERN.exec(entry);
      const owner = partial ? name.slice(0, name.length - partial[0].length) + `.partial-a${partial[1]}` : null;
      if (owner ? !inUse.has(owner) : !live.has(name)) strays.push(name);
    }
  }
  return strays.sort();
}

/** The partial directories a running job's current attempt may be writing. */
function livePartials(job: Job): string[] {
  const names =
    job.kind === "merge" || job.kind === "sweep-pass"
      ? (job.payload as MergePassPayload).outputs.map((output) => output.name)
      : job.kind === "noop" && (job.payload as NoopPayload).publish
        ? [`test/${(job.payload as NoopPayload).publish!.name}`]
        : job.kind === "evaluate"
          ? [(job.payload as EvaluateJobPayload).output]
          : job.kind === "pma-init"
            ? [(job.payload as PmaInitPayload).name]
            : [];
  return names.map((name) => partialName(name, job.claims));
}

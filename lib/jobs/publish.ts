import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { writeTransaction, type Db } from "../../db/client";
import { findPublishedArtifactByName, insertArtifact, markRecipeCellsDone } from "../../db/queries";
import type { Artifact, Job } from "../../db/schema";
import { dataLayout, fsyncDirectory, isInside, listTree, partialName, removeTree } from "../disk";
import { PmaError } from "../errors";
import type { EvaluateJobPayload } from "../eval/payload";
import { enqueueMergeEvaluations } from "../sweeps/evaluations";
import { crashPoint } from "./crash-points";
import { ARTIFACT_NAME_PATTERN, type MergePassPayload, type NoopPayload, type PmaInitPayload } from "./kinds";
import { assertLease, type QueueClock } from "./queue";

export interface PublishRequest {
  jobId: number;
  leaseToken: string;
  /** Artifacts-relative name from the job's payload, e.g. `merges/<recipe hash>`. */
  name: string;
  bytes: number;
  sha256: string;
  files: string[];
}

export interface PublishResult {
  /** "exists": another attempt or job published this name first; the caller deletes its partial. */
  status: "published" | "exists";
  artifact: Artifact;
}

/**
 * Makes an attempt's output visible, all in one BEGIN IMMEDIATE transaction: check the lease token, check the
 * partial directory holds exactly the files and bytes the worker reports, rename it into place, fsync the parent,
 * record the artifact (size, sha256) and mark the cells that use it done. A stale token changes nothing. Should
 * the process die between the rename and the commit, the directory is an orphan without a row — never a row
 * without its files — and the next publish of that name (or `pma-lab gc`) moves it aside.
 *
 * The sha256 is the one the worker computed while writing; re-hashing here would read every output twice.
 */
export function publishArtifact(db: Db, dataDir: string, request: PublishRequest, clock: QueueClock = {}): PublishResult {
  checkName(request.name);
  const at = clock.now ?? Date.now();
  const { artifacts: root } = dataLayout(dataDir);
  const leftovers: string[] = [];
  const result = writeTransaction(db, (tx) => {
    const { job, attempt } = assertLease(tx, request.jobId, request.leaseToken, at);
    crashPoint("publish:after-lease-check");
    const output = findDeclaredOutput(job, request.name);
    const existing = findPublishedArtifactByName(tx, request.name);
    if (existing) {
      const ours = existing.jobId === job.id && existing.attempt === attempt.attempt;
      return { status: ours ? "published" : "exists", artifact: existing } satisfies PublishResult;
    }
    const partial = path.join(root, partialName(request.name, attempt.attempt));
    const final = path.join(root, request.name);
    if (!isInside(partial, root) || !isInside(final, root)) throw new PmaError("publish_name_invalid", `${request.name} leaves the artifacts directory`);
    checkPartial(partial, request);
    if (fs.lstatSync(final, { throwIfNoEntry: false })) {
      const aside = `${final}.orphan-${randomBytes(4).toString("hex")}`;
      fs.renameSync(final, aside);
      leftovers.push(aside);
      crashPoint("publish:after-orphan-aside");
    }
    fs.renameSync(partial, final);
    crashPoint("publish:after-rename");
    fsyncDirectory(path.dirname(final));
    crashPoint("publish:after-fsync");
    try {
      const artifact = insertArtifact(tx, {
        kind: output.kind,
        name: request.name,
        recipeHash: output.recipeHash,
        bytes: request.bytes,
        sha256: request.sha256,
        files: request.files,
        jobId: job.id,
        attempt: attempt.attempt,
      });
      if (output.recipeHash) {
        markRecipeCellsDone(tx, output.recipeHash);
        enqueueMergeEvaluations(tx, output.recipeHash, dataDir);
      }
      crashPoint("publish:after-insert");
      return { status: "published", artifact } satisfies PublishResult;
    } catch (error) {
      fs.renameSync(final, partial); // the row did not make it: the files must not look published either
      throw error;
    }
  });
  crashPoint("publish:after-commit");
  for (const leftover of leftovers) removeTree(leftover);
  removeOrphansOf(path.join(root, request.name));
  return result;
}

/** Directories once moved aside under this name (a crash can strike before they are removed): no row ever names them. */
function removeOrphansOf(final: string): void {
  const dir = path.dirname(final);
  const prefix = `${path.basename(final)}.orphan-`;
  for (const entry of fs.readdirSync(dir)) if (entry.startsWith(prefix)) removeTree(path.join(dir, entry));
}

function checkName(name: string): void {
  if (!ARTIFACT_NAME_PATTERN.test(name) || name.includes("..")) {
    throw new PmaError("publish_name_invalid", `"${name}" is not an artifact name this server issues`);
  }
}

/** Only names the job's own payload declares may be published under its lease. */
function findDeclaredOutput(job: Job, name: string): { kind: "merge" | "test" | "eval"; recipeHash: string | null } {
  if (job.kind === "merge" || job.kind === "sweep-pass") {
    const output = (job.payload as MergePassPayload).outputs.find((candidate) => candidate.name === name);
    if (output) return { kind: "merge", recipeHash: output.recipeHash };
  } else if (job.kind === "pma-init") {
    // A kept, ready-to-resume copy: no recipe on the row, so it never stands in for (or is collected as) a sweep's merge.
    if (name === (job.payload as PmaInitPayload).name) return { kind: "merge", recipeHash: null };
  } else if (job.kind === "evaluate") {
    if (name === (job.payload as EvaluateJobPayload).output) return { kind: "eval", recipeHash: null };
  } else if (job.kind === "noop") {
    const publish = (job.payload as NoopPayload).publish;
    if (publish && name === `test/${publish.name}`) return { kind: "test", recipeHash: null };
  }
  throw new PmaError("publish_name_invalid", `job #${job.id} (${job.kind}) does not produce ${name}`);
}

function checkPartial(partial: string, request: PublishRequest): void {
  const stat = fs.lstatSync(partial, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new PmaError("publish_partial_missing", `the attempt's output ${path.basename(partial)} is not a directory on the server`, { permanent: false });
  }
  const entries = listTree(partial);
  const bytes = entries.reduce((total, entry) => total + entry.bytes, 0);
  const files = entries.map((entry) => entry.file);
  const claimed = [...request.files].sort();
  if (bytes !== request.bytes || files.length !== claimed.length || files.some((file, i) => file !== claimed[i])) {
    throw new PmaError(
      "publish_mismatch",
      `the output on disk (${files.length} files, ${bytes} bytes) differs from what the worker reported (${claimed.length} files, ${request.bytes} bytes)`,
      { permanent: false },
    );
  }
}

import fs from "node:fs";
import path from "node:path";
import { writeTransaction, type Db } from "../../db/client";
import { findPublishedArtifactByName, findRunByName, insertRecipes, listCheckpoints, listJobs, sumReservedBytes } from "../../db/queries";
import { checkDiskSpace, dataLayout, type StatDisk } from "../disk";
import { PmaError } from "../errors";
import { enqueueJob } from "../jobs/queue";
import type { PmaInitPayload } from "../jobs/kinds";
import type { SchemeSpec } from "../merge/weights";
import { estimateOutputBytes } from "../sweeps/schedule";
import { planPmaInit, type InitPlan, type InitTarget } from "./plan";
import { DEFAULT_INIT_K, DEFAULT_INIT_SCHEME } from "./select";
import { detectRunSpikes } from "./spikes";

export interface PmaInitRequest {
  run: string;
  target: InitTarget;
  k?: number;
  scheme?: SchemeSpec;
}

export interface PmaInitStarted {
  /** "queued": a new job; "in-flight": the same merge is already queued or running; "published": it exists. */
  status: "queued" | "in-flight" | "published";
  jobId: number | null;
  recipeHash: string;
  /** Where the checkpoint is (or will be) published. */
  path: string;
  estimatedBytes: number;
  plan: Pick<InitPlan, "selection" | "anchor" | "lineage">;
}

/**
 * Plans a PMA-init of the run and enqueues it — in one write transaction: the recipe is stored, a published
 * checkpoint or a job already producing it is reused, the disk is checked, the job is queued. The worker merges
 * exactly the plan, and publishes `artifacts/inits/<recipe hash>` with its lineage file.
 */
export function startPmaInit(db: Db, request: PmaInitRequest, deps: { dataDir: string; statDisk?: StatDisk }): PmaInitStarted {
  const artifacts = dataLayout(deps.dataDir).artifacts;
  fs.mkdirSync(artifacts, { recursive: true });
  return writeTransaction(db, (tx) => {
    const run = findRunByName(tx, request.run);
    if (!run) throw new PmaError("run_not_found", `no run named "${request.run}"`);
    const checkpoints = listCheckpoints(tx, run.id, { includeMissing: true });
    const needsSpikes = "spike" in request.target;
    const plan = planPmaInit(run, checkpoints, needsSpikes ? detectRunSpikes(tx, run.id) : [], request.target, request.k ?? DEFAULT_INIT_K, request.scheme ?? DEFAULT_INIT_SCHEME);
    const target = path.join(artifacts, plan.payload.name);
    const bytes = estimateOutputBytes(plan.recipe, new Map(checkpoints.map((c) => [c.id, c])));
    const result = (status: PmaInitStarted["status"], jobId: number | null): PmaInitStarted => ({
      status,
      jobId,
      recipeHash: plan.recipeHash,
      path: target,
      estimatedBytes: bytes,
      plan: { selection: plan.selection, anchor: plan.anchor, lineage: plan.lineage },
    });
    insertRecipes(tx, [{ hash: plan.recipeHash, recipe: plan.recipe, runId: run.id }]);
    if (findPublishedArtifactByName(tx, plan.payload.name)) return result("published", null);
    const active = listJobs(tx, { kinds: ["pma-init"], statuses: ["queued", "running"], limit: 10_000 }).find((job) => (job.payload as PmaInitPayload).recipeHash === plan.recipeHash);
    if (active) return result("in-flight", active.id);
    checkDiskSpace({ dir: deps.dataDir, needBytes: bytes, reservedBytes: sumReservedBytes(tx), statDisk: deps.statDisk });
    const job = enqueueJob(tx, { kind: "pma-init", payload: plan.payload, estimatedBytes: bytes });
    return result("queued", job.id);
  });
}

import path from "node:path";
import type { Db } from "../../db/client";
import { findCheckpointsByIds, findPublishedArtifactByName, findPublishedArtifactsByRecipes, findRecipe, findRunById, listJobs, listRunsInitialisedFrom } from "../../db/queries";
import type { JobStatus, Run } from "../../db/schema";
import { dataLayout } from "../disk";
import type { PmaInitPayload } from "../jobs/kinds";
import { formatTokens } from "../merge/plan/tokens";
import { formatSchemeLabel } from "../merge/weights";
import type { InitAnchorRecord } from "./lineage";

/** A PMA-init checkpoint of a run as its page lists it: what it merged, why, where it is, who resumed from it. */
export interface InitView {
  recipeHash: string;
  label: string;
  anchor: string;
  checkpoints: { step: number; tokens: number | null; weight: number }[];
  status: JobStatus | "published";
  jobId: number;
  error: string | null;
  /** The published directory; null until it is published. */
  path: string | null;
  bytes: number | null;
  resumedBy: string[];
}

/** Newest first; one entry per recipe (its latest job), published ones with their directory. */
export function listRunInits(db: Db, runId: number, dataDir: string): InitView[] {
  const jobs = listJobs(db, { kinds: ["pma-init"], limit: 10_000 }).filter((job) => (job.payload as PmaInitPayload).runId === runId);
  const latest = new Map<string, (typeof jobs)[number]>();
  for (const job of jobs) if (!latest.has((job.payload as PmaInitPayload).recipeHash)) latest.set((job.payload as PmaInitPayload).recipeHash, job);
  const resumed = listRunsInitialisedFrom(db, [...latest.keys()]);
  const root = dataLayout(dataDir).artifacts;
  return [...latest.values()].map((job) => {
    const payload = job.payload as PmaInitPayload;
    const artifact = findPublishedArtifactByName(db, payload.name);
    return {
      recipeHash: payload.recipeHash,
      label: payload.lineage.label,
      anchor: describeAnchorRecord(payload.lineage.anchor),
      checkpoints: payload.lineage.checkpoints.map((c) => ({ step: c.step, tokens: c.tokens, weight: c.weight })),
      status: artifact ? "published" : job.status,
      jobId: job.id,
      error: artifact ? null : (job.lastError?.message ?? null),
      path: artifact ? path.join(root, artifact.name) : null,
      bytes: artifact?.bytes ?? null,
      resumedBy: resumed.filter((run) => run.initRecipeHash === payload.recipeHash).map((run) => run.name),
    };
  });
}

export function describeAnchorRecord(anchor: InitAnchorRecord): string {
  if (anchor.kind === "point") return `up to ${formatTokens(anchor.tokens)} tokens`;
  return `before spike ${anchor.index} (from step ${anchor.startStep}${anchor.peak === null ? ", loss not finite" : `, loss peaking at ${anchor.peak.toPrecision(4)} at step ${anchor.peakStep}`})`;
}

/** "Initialised from SMA of <run> steps a, b, c (k=3)": a run's PMA-init lineage, with where the merged model is. */
export interface RunLineage {
  recipeHash: string;
  scheme: string;
  k: number;
  source: { name: string } | null;
  steps: number[];
  /** The PMA-init checkpoint (or, for a recipe a sweep merged, that merge) when it is published here. */
  path: string | null;
}

export function describeRunLineage(db: Db, run: Run, dataDir: string): RunLineage | null {
  if (!run.initRecipeHash) return null;
  const stored = findRecipe(db, run.initRecipeHash);
  if (!stored) return null;
  const ids = stored.recipe.inputs.map((input) => input.checkpointId);
  const rows = new Map(findCheckpointsByIds(db, ids).map((row) => [row.id, row]));
  const sourceId = rows.get(ids[0])?.runId ?? stored.runId;
  const source = sourceId === null || sourceId === undefined ? undefined : findRunById(db, sourceId);
  const artifact = findPublishedArtifactByName(db, `inits/${stored.hash}`) ?? findPublishedArtifactsByRecipes(db, [stored.hash]).get(stored.hash);
  return {
    recipeHash: stored.hash,
    scheme: formatSchemeLabel(stored.recipe.scheme),
    k: ids.length,
    source: source ? { name: source.name } : null,
    steps: ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!.step] : [])),
    path: artifact ? path.join(dataLayout(dataDir).artifacts, artifact.name) : null,
  };
}

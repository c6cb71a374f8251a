import fs from "node:fs";
import { writeTransaction, type Db } from "../../db/client";
import { findRunByName, listJobs, listSweeps } from "../../db/queries";
import { dataLayout } from "../disk";
import { PmaError } from "../errors";
import type { LabTrainPayload } from "../jobs/kinds";
import { enqueueJob } from "../jobs/queue";
import { createSweepIn } from "../sweeps/create";
import type { SweepRequest } from "../sweeps/request";
import type { LabScale } from "./scales";
import { tokensPerStep } from "./train";

/**
 * The one-command demo: `pma-lab serve` enqueues the demo-scale lab on a fresh data dir, and the lab job, once
 * it succeeds, creates the default sweep over its main run. Both steps are idempotent, so restarts reuse what exists.
 */
export const DEMO_LAB: LabTrainPayload = { scale: "demo", dir: "lab/demo", demoSweep: true };
export const DEMO_EVALUATOR = "heldout-loss";

/** Stable-phase merge points in the default sweep (the branch fork points are added to these). */
const STABLE_POINTS = 6;

export const mainRunName = (scale: Pick<LabScale, "name">) => `lab-${scale.name}/main`;

/**
 * The default sweep, in tokens: SMA, WMA, EMA α 0.1 / 0.2 × N ∈ {4, 8} × V ∈ {1×, 2× the checkpoint spacing}, at
 * evenly spaced points through the stable phase (from the first where N = 8 at 2V fits after warmup) and at
 * every branch's fork point, evaluated with the built-in held-out loss. Pure.
 */
export function demoSweepRequest(scale: LabScale): SweepRequest {
  const perStep = tokensPerStep(scale);
  const every = scale.checkpointEvery;
  const first = Math.ceil((scale.main.warmup + 7 * 2 * every) / every) * every;
  const last = scale.main.steps;
  const spacing = Math.max(every, Math.floor((last - first) / (STABLE_POINTS - 1) / every) * every);
  const stable: number[] = [];
  for (let step = first; step <= last && stable.length < STABLE_POINTS; step += spacing) stable.push(step);
  const steps = [...new Set([...stable, ...scale.branches.forks])].sort((a, b) => a - b);
  return {
    run: mainRunName(scale),
    points: steps.map((step) => step * perStep),
    ns: [4, 8],
    intervals: [every * perStep, 2 * every * perStep],
    schemes: [{ scheme: "sma" }, { scheme: "wma" }, { scheme: "ema", alpha: 0.1 }, { scheme: "ema", alpha: 0.2 }],
    evaluators: [DEMO_EVALUATOR],
  };
}

/** Creates the demo sweep over the lab's main run unless one already exists; one transaction, so at most once. */
export function ensureDemoSweep(db: Db, scale: LabScale, dataDir: string): { sweepId: number; created: boolean } {
  fs.mkdirSync(dataLayout(dataDir).artifacts, { recursive: true });
  return writeTransaction(db, (tx) => {
    const run = findRunByName(tx, mainRunName(scale));
    if (!run) throw new PmaError("run_not_found", `the lab's main run ${mainRunName(scale)} is not registered`);
    const existing = listSweeps(tx, { runId: run.id, limit: 1 });
    if (existing.length > 0) return { sweepId: existing[0].id, created: false };
    return { sweepId: createSweepIn(tx, demoSweepRequest(scale), { dataDir }).id, created: true };
  });
}

export type DemoStart = { action: "enqueued"; jobId: number } | { action: "skipped"; reason: string };

/**
 * What `serve` does at start: enqueue the demo lab (with its sweep follow-up) unless a demo lab job exists in any
 * state (it resumes, or was deliberately cancelled; retry it from the UI) or the demo sweep exists already.
 */
export function startDemo(db: Db, payload: LabTrainPayload = DEMO_LAB): DemoStart {
  return writeTransaction(db, (tx) => {
    const jobs = listJobs(tx, { kinds: ["lab-train"], limit: 1000 }).filter((job) => (job.payload as LabTrainPayload).dir === payload.dir);
    if (jobs.length > 0) return { action: "skipped", reason: `the demo lab is job #${jobs[0].id} (${jobs[0].status})` };
    const run = findRunByName(tx, `lab-${payload.scale}/main`);
    if (run && listSweeps(tx, { runId: run.id, limit: 1 }).length > 0) return { action: "skipped", reason: "the demo lab and its sweep exist" };
    return { action: "enqueued", jobId: enqueueJob(tx, { kind: "lab-train", payload }).id };
  });
}

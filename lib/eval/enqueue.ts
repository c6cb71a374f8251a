import path from "node:path";
import type { Db } from "../../db/client";
import { findEvaluationStatuses } from "../../db/queries";
import type { Checkpoint } from "../../db/schema";
import { enqueueJob } from "../jobs/queue";
import type { EvaluateJobPayload } from "./payload";
import { evaluationKey, evaluatorFingerprint, planEvaluations, type EvaluationTarget, type PlannedEvaluation } from "./plan";
import { recordEvaluationsQueued } from "./record";
import type { EvaluatorRegistry } from "./registry";

/** A model to evaluate and where the server sees it (workers map the path onto their own mounts). */
export interface EvaluationCandidate {
  target: EvaluationTarget;
  path: string;
}

export function checkpointCandidate(checkpoint: Pick<Checkpoint, "id" | "fingerprint" | "path">): EvaluationCandidate {
  return { target: { kind: "checkpoint", checkpointId: checkpoint.id, fingerprint: checkpoint.fingerprint }, path: checkpoint.path };
}

/** A published merge: `artifactsDir/merges/<recipe hash>`. */
export function mergeCandidate(recipeHash: string, artifactsDir: string): EvaluationCandidate {
  return { target: { kind: "merge", recipeHash }, path: path.join(artifactsDir, "merges", recipeHash) };
}

/**
 * Inside the caller's write transaction: plans (evaluators × models), skips what is scored or in flight, and
 * enqueues one evaluate job per remaining pair with its evaluation row — a sweep's cells and the run's own
 * checkpoints at the same merge points go through here alike.
 */
export function enqueueEvaluations(
  tx: Db,
  registry: EvaluatorRegistry,
  evaluatorNames: string[],
  candidates: EvaluationCandidate[],
  options: { retryFailed?: boolean; priority?: number; now?: number } = {},
): { queued: (PlannedEvaluation & { jobId: number })[]; skipped: PlannedEvaluation[] } {
  const now = options.now ?? Date.now();
  const evaluators = [...new Set(evaluatorNames)].map((name) => registry.get(name));
  const keys = evaluators.flatMap((evaluator) => candidates.map((candidate) => evaluationKey(evaluator, candidate.target)));
  const plan = planEvaluations(evaluators, candidates.map((c) => c.target), findEvaluationStatuses(tx, keys), options);
  const pathOf = new Map(candidates.map((c) => [JSON.stringify(c.target), c.path]));
  const queued = plan.toRun.map((planned) => {
    const payload: EvaluateJobPayload = {
      evaluator: planned.evaluator,
      key: planned.key,
      target: { ...planned.target, path: pathOf.get(JSON.stringify(planned.target))! },
      output: `evals/${planned.key}`,
    };
    const job = enqueueJob(tx, { kind: "evaluate", payload, priority: options.priority }, { now });
    return { ...planned, jobId: job.id };
  });
  const fingerprints = new Map(evaluators.map((e) => [e.name, evaluatorFingerprint(e)]));
  recordEvaluationsQueued(tx, queued.map((q) => ({ ...q, fingerprint: fingerprints.get(q.evaluator)! })), now);
  return { queued, skipped: plan.skipped };
}

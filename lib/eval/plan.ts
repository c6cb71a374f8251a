import { createHash } from "node:crypto";
import type { EvaluatorDefinition } from "./kinds";

/**
 * Which evaluations still need to run. An evaluation is identified by what it measured, not by when:
 * (evaluator fingerprint, target identity). The fingerprint covers the evaluator's kind and settings (tasks,
 * template, few-shot, limit) but not its environment values (a rotated HF token changes no score) or its kill
 * grace; the target identity is a merge's recipe hash (the same recipe merged twice is the same model) or a
 * checkpoint's id and fingerprint (rewritten files are a new model). Evaluating a sweep's cells and the run's own
 * checkpoints at the same merge points then skips whatever is already scored or on its way.
 */
export type EvaluationTarget = { kind: "checkpoint"; checkpointId: number; fingerprint: string } | { kind: "merge"; recipeHash: string };

export type ExistingStatus = "succeeded" | "queued" | "running" | "failed";

export interface PlannedEvaluation {
  evaluator: string;
  target: EvaluationTarget;
  key: string;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function evaluatorFingerprint(definition: Pick<EvaluatorDefinition, "kind" | "settings">): string {
  const { env: _env, killGraceSeconds: _grace, ...settings } = (definition.settings ?? {}) as Record<string, unknown>;
  return createHash("sha256").update(canonical({ kind: definition.kind, settings })).digest("hex");
}

export function targetKey(target: EvaluationTarget): string {
  return target.kind === "merge" ? `recipe:${target.recipeHash}` : `checkpoint:${target.checkpointId}:${target.fingerprint}`;
}

export function evaluationKey(definition: Pick<EvaluatorDefinition, "kind" | "settings">, target: EvaluationTarget): string {
  return createHash("sha256").update(`${evaluatorFingerprint(definition)}\n${targetKey(target)}`).digest("hex");
}

/**
 * Every (evaluator, target) pair not yet scored or in flight. Failed ones run again only with `retryFailed`
 * (a harness that fails on a model usually fails again; the user decides).
 */
export function planEvaluations(
  evaluators: EvaluatorDefinition[],
  targets: EvaluationTarget[],
  existing: ReadonlyMap<string, ExistingStatus>,
  options: { retryFailed?: boolean } = {},
): { toRun: PlannedEvaluation[]; skipped: (PlannedEvaluation & { status: ExistingStatus })[] } {
  const toRun: PlannedEvaluation[] = [];
  const skipped: (PlannedEvaluation & { status: ExistingStatus })[] = [];
  const seen = new Set<string>();
  for (const evaluator of evaluators) {
    for (const target of targets) {
      const key = evaluationKey(evaluator, target);
      if (seen.has(key)) continue;
      seen.add(key);
      const planned = { evaluator: evaluator.name, target, key };
      const status = existing.get(key);
      if (status && !(status === "failed" && options.retryFailed)) skipped.push({ ...planned, status });
      else toRun.push(planned);
    }
  }
  return { toRun, skipped };
}

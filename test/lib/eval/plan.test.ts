import { describe, expect, it } from "vitest";
import type { EvaluatorDefinition } from "../../../lib/eval/kinds";
import { evaluationKey, evaluatorFingerprint, planEvaluations, type EvaluationTarget } from "../../../lib/eval/plan";

const lm: EvaluatorDefinition = { name: "lm", kind: "lm-eval", description: "", gpu: true, timeoutSeconds: 60, source: "t", settings: { argv: ["lm_eval"], tasks: ["a", "b"], env: { HF_TOKEN: "x" }, killGraceSeconds: 10 } };
const loss: EvaluatorDefinition = { name: "loss", kind: "builtin-loss", description: "", gpu: false, timeoutSeconds: 60, source: "builtin", settings: {} };
const cell: EvaluationTarget = { kind: "merge", recipeHash: "ab".repeat(32) };
const baseline: EvaluationTarget = { kind: "checkpoint", checkpointId: 7, fingerprint: "f1" };

describe("evaluation identity and planning", () => {
  it("fingerprints settings, not environment values or kill grace, nor key order", () => {
    const rotated = { ...lm, settings: { killGraceSeconds: 30, tasks: ["a", "b"], env: { HF_TOKEN: "y" }, argv: ["lm_eval"] } };
    expect(evaluatorFingerprint(rotated)).toBe(evaluatorFingerprint(lm));
    expect(evaluatorFingerprint({ ...lm, settings: { ...(lm.settings as object), tasks: ["a"] } })).not.toBe(evaluatorFingerprint(lm));
    expect(evaluationKey(lm, baseline)).not.toBe(evaluationKey(lm, { ...baseline, fingerprint: "f2" }));
  });

  it("skips what is scored or in flight, and re-runs failures only when asked", () => {
    const existing = new Map([
      [evaluationKey(lm, cell), "succeeded" as const],
      [evaluationKey(loss, cell), "running" as const],
      [evaluationKey(lm, baseline), "failed" as const],
    ]);
    const plan = planEvaluations([lm, loss], [cell, baseline, cell], existing);
    expect(plan.toRun.map((p) => `${p.evaluator}@${p.target.kind}`)).toEqual(["loss@checkpoint"]);
    expect(plan.skipped.map((p) => p.status)).toEqual(["succeeded", "failed", "running"]);
    expect(planEvaluations([lm], [baseline], existing, { retryFailed: true }).toRun).toHaveLength(1);
  });
});

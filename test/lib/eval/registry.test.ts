import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_LM_EVAL_ARGV } from "../../../lib/eval/kinds/lm-eval";
import { BUILTIN_EVALUATOR, loadEvaluators, parseEvaluatorsConfig } from "../../../lib/eval/registry";
import { errorOf, tempDir } from "./helpers";

const config = (evaluators: unknown[]) => JSON.stringify({ evaluators });

describe("evaluator registry", () => {
  it("always has the built-in held-out loss; no file means only that", () => {
    const registry = loadEvaluators(tempDir(), {});
    expect(registry.file).toBeNull();
    expect(registry.list().map((e) => e.name)).toEqual(["heldout-loss"]);
    expect(registry.get("heldout-loss")).toMatchObject({ kind: "builtin-loss", gpu: false, source: "builtin" });
    expect(errorOf(() => registry.get("mmlu")).code).toBe("eval_evaluator_unknown");
  });

  it("reads <dataDir>/evaluators.json, or the file PMA_LAB_EVALUATORS names", () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, "evaluators.json"), config([{ name: "core", kind: "lm-eval", gpu: true, timeoutSeconds: 7200, settings: { tasks: ["hellaswag", "mmlu"] } }]));
    const registry = loadEvaluators(dataDir, {});
    expect(registry.get("core")).toMatchObject({ kind: "lm-eval", gpu: true, timeoutSeconds: 7200, settings: { tasks: ["hellaswag", "mmlu"], batchSize: "auto", argv: DEFAULT_LM_EVAL_ARGV } });
    const other = path.join(tempDir(), "evals.json");
    fs.writeFileSync(other, config([{ name: "cmd", kind: "command", settings: { argv: ["score", "{model}", "{metrics}"] } }]));
    expect(loadEvaluators(dataDir, { PMA_LAB_EVALUATORS: other }).list().map((e) => e.name)).toEqual(["heldout-loss", "cmd"]);
    expect(errorOf(() => loadEvaluators(dataDir, { PMA_LAB_EVALUATORS: `${other}.missing` })).message).toContain("PMA_LAB_EVALUATORS");
  });

  it.each([
    ["not JSON", "{", "not valid JSON"],
    ["wrong top level", "[]", "expected {\"evaluators\": [...]}"],
    ["unknown kind", config([{ name: "x", kind: "shell", settings: {} }]), 'evaluators[0] ("x").kind'],
    ["bad name", config([{ name: "Bad Name", kind: "command", settings: { argv: ["a", "{model}"] } }]), "evaluators[0] (\"Bad Name\").name"],
    ["reserved name", config([{ name: BUILTIN_EVALUATOR.name, kind: "builtin-loss" }]), "reserved name"],
    ["duplicate name", config([{ name: "a", kind: "builtin-loss" }, { name: "a", kind: "builtin-loss" }]), 'evaluators[1] ("a").name: "a" is defined twice'],
    ["unknown field", config([{ name: "a", kind: "builtin-loss", gpus: 1 }]), "Unrecognized key"],
    ["unknown placeholder", config([{ name: "a", kind: "command", settings: { argv: ["run", "{model}", "{modle}"] } }]), 'evaluators[0] ("a").settings.argv[2]: unknown placeholder {modle}'],
    ["placeholder without a value", config([{ name: "a", kind: "lm-eval", settings: { tasks: ["x"], argv: ["lm_eval", "pretrained={model}", "{output}", "--limit", "{limit}"] } }]), "settings.argv[4]: placeholder {limit} has no value"],
    ["lm-eval without tasks", config([{ name: "a", kind: "lm-eval", settings: {} }]), '("a").settings.tasks'],
    ["lm-eval without {output}", config([{ name: "a", kind: "lm-eval", settings: { tasks: ["x"], argv: ["lm_eval", "{model}"] } }]), "must use {output}"],
    ["a task with a comma", config([{ name: "a", kind: "lm-eval", settings: { tasks: ["a,b"] } }]), "settings.tasks[0]: one task per entry"],
    ["a placeholder as the program", config([{ name: "a", kind: "command", settings: { argv: ["{model}"] } }]), "settings.argv[0]"],
    ["CUDA_VISIBLE_DEVICES in env", config([{ name: "a", kind: "command", settings: { argv: ["x", "{model}"], env: { CUDA_VISIBLE_DEVICES: "1" } } }]), "set by the worker"],
    ["metricsFile escaping {output}", config([{ name: "a", kind: "command", settings: { argv: ["x", "{model}"], metricsFile: "../m.json" } }]), "settings.metricsFile"],
    ["zero timeout", config([{ name: "a", kind: "builtin-loss", timeoutSeconds: 0 }]), "timeoutSeconds"],
  ])("refuses %s, naming the file and the field", (_, text, expected) => {
    const error = errorOf(() => parseEvaluatorsConfig(text, "/etc/pma/evaluators.json"));
    expect(error.code).toBe("eval_config_invalid");
    expect(error.message).toContain("/etc/pma/evaluators.json");
    expect(error.message).toContain(expected);
  });
});

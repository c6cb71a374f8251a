import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEvaluateHandler, type EvaluateJobResult } from "../../../lib/eval/job";
import { evaluationKey } from "../../../lib/eval/plan";
import { createRegistry, parseEvaluatorsConfig } from "../../../lib/eval/registry";
import type { JobContext } from "../../../lib/jobs/worker/context";
import { FAKE_LM_EVAL, fakeModel, rejectionOf, tempDir } from "./helpers";

const config = JSON.stringify({
  evaluators: [
    {
      name: "lm",
      kind: "lm-eval",
      gpu: true,
      settings: { argv: [process.execPath, FAKE_LM_EVAL, "--model_args", "pretrained={model}", "--tasks", "{tasks}", "--output_path", "{output}", "--device", "{device}"], tasks: ["piqa", "mmlu"] },
    },
  ],
});
const registry = createRegistry(parseEvaluatorsConfig(config, "workers-evaluators.json"), "workers-evaluators.json");

/** A JobContext over plain directories: what the worker loop gives a handler, minus the server. */
function jobContext(payload: unknown, env: Record<string, string>) {
  const artifacts = tempDir("pma-artifacts-");
  const logs: string[] = [];
  const published: { name: string; summary: unknown }[] = [];
  const context: JobContext = {
    job: { id: 1, kind: "evaluate", attempt: 1, payload },
    signal: new AbortController().signal,
    log: (line) => logs.push(line),
    progress: () => {},
    outputs: {
      prepare: async (name) => {
        const dir = path.join(artifacts, `${name}.partial-a1`);
        fs.mkdirSync(dir, { recursive: true });
        return dir;
      },
      publish: async (name, summary) => {
        published.push({ name, summary });
        return "published";
      },
    },
    resolveInput: async (p) => p,
    env: { PATH: process.env.PATH, ...env },
    threads: 1,
    allowTestJobs: false,
  };
  return { context, logs, published, artifacts };
}

describe("evaluate job handler", () => {
  const handler = createEvaluateHandler({ loadRegistry: () => registry });
  const model = fakeModel(tempDir(), "step-200", "weights");
  const target = { kind: "checkpoint" as const, checkpointId: 3, fingerprint: "fp" };
  const key = evaluationKey(registry.get("lm"), target);
  const payload = { evaluator: "lm", key, target: { ...target, path: model }, output: `evals/${key}` };

  it("runs the worker's own evaluator, forwards the harness output to the job log, publishes the raw files, returns the metrics", async () => {
    const { context, logs, published } = jobContext(payload, { CUDA_VISIBLE_DEVICES: "1" });
    const result = (await handler(context)) as EvaluateJobResult;
    expect(result.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(["piqa/acc", "mmlu/acc", "mmlu_stem/acc"]));
    expect(result.target).toEqual(target);
    expect(result.raw.files).toEqual(expect.arrayContaining(["evaluator.log"]));
    expect(result.raw.files.some((f) => /^lm-eval\/.+\/results_.+\.json$/.test(f))).toBe(true);
    expect(published).toHaveLength(1);
    expect(published[0].name).toBe(`evals/${key}`);
    expect(logs.some((line) => line.startsWith("| ") && line.includes("Selected Tasks"))).toBe(true);
    expect(logs.some((line) => line.includes("on GPU 1"))).toBe(true);
    expect((result.details.argv as string[]).at(-1)).toBe("cuda:0");
  });

  it("refuses an evaluator the worker does not have, and a payload whose output is not evals/<key>", async () => {
    expect((await rejectionOf(Promise.resolve().then(() => handler(jobContext({ ...payload, evaluator: "rm-rf" }, {}).context)))).code).toBe("eval_evaluator_unknown");
    await expect(handler(jobContext({ ...payload, output: "merges/../../x" }, {}).context)).rejects.toThrow(/evals\/<its key>/);
  });
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatorKinds, type EvaluatorDefinition, type EvaluatorRunContext } from "../../../lib/eval/kinds";
import { parseEvaluatorsConfig } from "../../../lib/eval/registry";
import { ECHO_METRICS, FAKE_LM_EVAL, fakeModel, rejectionOf, tempDir } from "./helpers";

const node = process.execPath;
const lmEvalArgv = [node, FAKE_LM_EVAL, "--model", "hf", "--model_args", "pretrained={model},dtype=float32", "--tasks", "{tasks}", "--output_path", "{output}", "--device", "{device}", "--batch_size", "{batch_size}"];

function definitions(): Map<string, EvaluatorDefinition> {
  const text = JSON.stringify({
    evaluators: [
      { name: "lm", kind: "lm-eval", gpu: true, timeoutSeconds: 60, settings: { argv: lmEvalArgv, tasks: ["hellaswag", "mmlu", "wikitext"], batchSize: 4 } },
      { name: "lm-slow", kind: "lm-eval", timeoutSeconds: 1, settings: { argv: lmEvalArgv, tasks: ["hellaswag"], killGraceSeconds: 0.5 } },
      { name: "cmd", kind: "command", timeoutSeconds: 60, settings: { argv: [node, ECHO_METRICS, "--model", "{model}", "--metrics", "{metrics}", "--device", "{device}"] } },
    ],
  });
  return new Map(parseEvaluatorsConfig(text, "test-evaluators.json").map((d) => [d.name, d]));
}

function context(modelDir: string, env: Record<string, string> = {}, gpu: string | null = null): EvaluatorRunContext & { lines: string[] } {
  const root = tempDir("pma-eval-run-");
  const outputDir = path.join(root, "out");
  fs.mkdirSync(outputDir);
  const lines: string[] = [];
  return { modelDir, outputDir, logFile: path.join(root, "eval.log"), gpu, env: { PATH: process.env.PATH, ...env }, log: (line) => lines.push(line), lines };
}

const run = (definition: EvaluatorDefinition, ctx: EvaluatorRunContext) => evaluatorKinds[definition.kind].run(definition as EvaluatorDefinition<never>, ctx);

describe("lm-eval evaluator against the stand-in harness", () => {
  const defs = definitions();
  const models = tempDir("pma-models-");

  it("runs the template, reads the newest results file, keeps it as the raw artifact", async () => {
    const ctx = context(fakeModel(models, "step-100", "weights A"), {}, "1");
    const result = await run(defs.get("lm")!, ctx);
    const byName = new Map(result.metrics.map((m) => [m.name, m]));
    expect([...byName.keys()]).toEqual(expect.arrayContaining(["hellaswag/acc", "hellaswag/acc_norm", "mmlu/acc", "mmlu_stem/acc", "mmlu_anatomy/acc", "wikitext/word_perplexity"]));
    expect(byName.get("wikitext/word_perplexity")).toMatchObject({ stderr: null, higherIsBetter: false, n: 62 });
    expect(byName.get("mmlu/acc")!.stderr).toBeGreaterThan(0);
    expect(byName.get("mmlu/acc")!.n).toBe(100 + 135 + 311 + 171);
    expect(result.rawFiles).toHaveLength(1);
    expect(result.rawFiles[0]).toMatch(/^lm-eval\/.+\/results_.+\.json$/);
    expect(fs.existsSync(path.join(ctx.outputDir, result.rawFiles[0]))).toBe(true);
    expect(result.details).toMatchObject({ lmEvalVersion: "0.4.11" });
    expect((result.details.argv as string[]).slice(-4)).toEqual(["--device", "cuda:0", "--batch_size", "4"]);
    expect(fs.readFileSync(ctx.logFile, "utf8")).toContain("Selected Tasks");
  });

  it("scores different models differently and the same model the same", async () => {
    const a = await run(defs.get("lm")!, context(fakeModel(models, "a", "weights A")));
    const again = await run(defs.get("lm")!, context(path.join(models, "a")));
    const b = await run(defs.get("lm")!, context(fakeModel(models, "b", "weights B")));
    const value = (r: typeof a) => r.metrics.find((m) => m.name === "hellaswag/acc")!.value;
    expect(value(a)).toBe(value(again));
    expect(value(a)).not.toBe(value(b));
  });

  it("passes a model path full of shell metacharacters verbatim and executes nothing", async () => {
    const marker = path.join(models, "pwned");
    const nasty = fakeModel(models, `m $(touch ${marker}) ; \`touch ${marker}\` | x\nline`, "weights C");
    const argvFile = path.join(tempDir(), "argv.json");
    const ctx = context(nasty, { FAKE_LM_EVAL_ARGV_FILE: argvFile });
    const result = await run(defs.get("lm")!, ctx);
    expect(result.metrics.length).toBeGreaterThan(0);
    const received = JSON.parse(fs.readFileSync(argvFile, "utf8")) as string[];
    expect(received[received.indexOf("--model_args") + 1]).toBe(`pretrained=${nasty},dtype=float32`);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("refuses a model path that would add key=value options inside --model_args", async () => {
    const sneaky = fakeModel(models, "x,trust_remote_code=True", "weights D");
    expect((await rejectionOf(run(defs.get("lm")!, context(sneaky)))).code).toBe("eval_value_refused");
  });

  it.each([
    ["fail", "eval_exit_code", "CUDA out of memory"],
    ["no-output", "eval_results_missing", "--- last output ---"],
    ["partial", "eval_results_not_json", "truncated"],
  ])("reports a harness in mode %s clearly", async (mode, code, text) => {
    const error = await rejectionOf(run(defs.get("lm")!, context(fakeModel(models, `mode-${mode}`, mode), { FAKE_LM_EVAL_MODE: mode })));
    expect(error.code).toBe(code);
    expect(error.message).toContain(text);
  });

  it("times out, killing the harness", async () => {
    const error = await rejectionOf(run(defs.get("lm-slow")!, context(fakeModel(models, "slow", "s"), { FAKE_LM_EVAL_MODE: "hang" })));
    expect(error.code).toBe("eval_timeout");
  });

  it("reports a missing harness", async () => {
    const [definition] = parseEvaluatorsConfig(JSON.stringify({ evaluators: [{ name: "gone", kind: "lm-eval", settings: { tasks: ["x"] } }] }), "t.json").slice(1);
    const error = await rejectionOf(run(definition, context(fakeModel(models, "g", "g"), { PATH: "/nonexistent" })));
    expect(error.code).toBe("eval_program_not_found");
  });
});

describe("command evaluator", () => {
  const defs = definitions();
  const models = tempDir("pma-models-");

  it("reads the metrics file the command wrote", async () => {
    const argvFile = path.join(tempDir(), "argv.json");
    const ctx = context(fakeModel(models, "c", "12345"), { ECHO_ARGV_FILE: argvFile });
    const result = await run(defs.get("cmd")!, ctx);
    expect(result.metrics[0]).toMatchObject({ name: "model/bytes", value: 7, higherIsBetter: false, n: 1 });
    expect(result.rawFiles).toEqual(["metrics.json"]);
    const seen = JSON.parse(fs.readFileSync(argvFile, "utf8"));
    expect(seen.cuda).toBe("");
    expect(seen.argv).toContain("cpu");
  });

  it.each([
    ["none", "eval_output_missing"],
    ["invalid", "eval_metrics_invalid"],
    ["fail", "eval_exit_code"],
  ])("fails with %s", async (mode, code) => {
    const error = await rejectionOf(run(defs.get("cmd")!, context(fakeModel(models, `c-${mode}`, "x"), { ECHO_MODE: mode })));
    expect(error.code).toBe(code);
  });
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatorKinds, type EvaluatorDefinition } from "../../lib/eval/kinds";
import { parseEvaluatorsConfig } from "../../lib/eval/registry";
import { ECHO_METRICS, FAKE_LM_EVAL, fakeModel, tempDir } from "../lib/eval/helpers";

/**
 * reliability.md, "eval parameters carrying $(…), backticks, ;, newlines → passed verbatim, nothing executed": every
 * value that reaches an evaluator's argv from outside the administrator's file — the model directory's name (run
 * and checkpoint directories are named by whoever writes to shared storage) and the task list — is tried with
 * each shell trick. Both evaluator kinds run without a shell, so the program receives exactly the bytes given and
 * the marker file a shell would create never appears.
 */
const node = process.execPath;

function tricks(marker: string): [string, string][] {
  return [
    ["$(…)", `m $(touch ${marker})`],
    ["backticks", `m \`touch ${marker}\``],
    ["; command", `m; touch ${marker}`],
    ["&& command", `m && touch ${marker}`],
    ["| pipe", `m | tee ${marker}`],
    ["> redirect", `m > ${marker}`],
    ["newline", `m\ntouch ${marker}`],
    ["$VAR", "m $HOME ${PATH}"],
    ["glob", "m *"],
    ["quotes", `m ' " \\' touch ${marker}`],
  ];
}

function definitions(): Map<string, EvaluatorDefinition> {
  const text = JSON.stringify({
    evaluators: [
      { name: "cmd", kind: "command", timeoutSeconds: 60, settings: { argv: [node, ECHO_METRICS, "--model", "{model}", "--metrics", "{metrics}", "--device", "{device}"] } },
      {
        name: "lm",
        kind: "lm-eval",
        timeoutSeconds: 60,
        settings: {
          argv: [node, FAKE_LM_EVAL, "--model", "hf", "--model_args", "pretrained={model}", "--tasks", "{tasks}", "--output_path", "{output}", "--device", "{device}"],
          tasks: ["hellaswag;touch /tmp/x", "$(id)", "`id`"],
        },
      },
    ],
  });
  return new Map(parseEvaluatorsConfig(text, "injection-evaluators.json").map((d) => [d.name, d]));
}

function context(modelDir: string, env: Record<string, string>) {
  const root = tempDir("pma-inject-run-");
  const outputDir = path.join(root, "out");
  fs.mkdirSync(outputDir);
  return { modelDir, outputDir, logFile: path.join(root, "eval.log"), gpu: null, env: { PATH: process.env.PATH, ...env }, log: () => undefined };
}

describe("shell tricks in evaluator arguments", () => {
  const defs = definitions();
  const models = tempDir("pma-inject-models-");
  const marker = path.join(tempDir("pma-inject-marker-"), "pwned");

  it.each(tricks(marker))("command evaluator: %s in the model path is passed verbatim, nothing runs", async (_label, name) => {
    const model = fakeModel(models, name.replace(/\//g, "∕"), "weights");
    const argvFile = path.join(tempDir(), "argv.json");
    const definition = defs.get("cmd")!;
    await evaluatorKinds[definition.kind].run(definition as EvaluatorDefinition<never>, context(model, { ECHO_ARGV_FILE: argvFile }));
    const { argv } = JSON.parse(fs.readFileSync(argvFile, "utf8")) as { argv: string[] };
    expect(argv[argv.indexOf("--model") + 1]).toBe(model);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("lm-eval evaluator: tricks in the task list and the model path reach the harness as plain text", async () => {
    const model = fakeModel(models, `lm $(touch ${marker.replace(/\//g, "∕")}) ; \`id\``, "weights");
    const argvFile = path.join(tempDir(), "argv.json");
    const definition = defs.get("lm")!;
    // The stand-in harness then refuses the unknown task names, as lm-eval would: that is the only effect.
    const outcome = await evaluatorKinds[definition.kind].run(definition as EvaluatorDefinition<never>, context(model, { FAKE_LM_EVAL_ARGV_FILE: argvFile })).catch((error: Error) => error);
    expect((outcome as Error).message).toMatch(/Tasks not found: hellaswag;touch \/tmp\/x, \$\(id\), `id`/);
    const received = JSON.parse(fs.readFileSync(argvFile, "utf8")) as string[];
    expect(received[received.indexOf("--model_args") + 1]).toBe(`pretrained=${model}`);
    expect(received[received.indexOf("--tasks") + 1]).toBe("hellaswag;touch /tmp/x,$(id),`id`");
    expect(fs.existsSync(marker)).toBe(false);
  });
});

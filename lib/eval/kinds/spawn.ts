import { PmaError } from "../../errors";
import { assertProcessSucceeded, runProcess } from "../process";
import { compileTemplate, fillTemplate, type Placeholder } from "../template";
import { settingsPlaceholders, type SpawnSettings } from "./command-settings";
import type { EvaluatorDefinition, EvaluatorRunContext } from "./types";

/** `{device}`: with CUDA_VISIBLE_DEVICES pinning one GPU, that GPU is cuda:0 inside the child. */
export function deviceFor(gpu: string | null): string {
  return gpu === null || gpu === "" ? "cpu" : "cuda:0";
}

/**
 * Fills the template with this run's values and runs it: no shell, the whole process tree killed on timeout or
 * cancel, output captured to the run's log. Throws the typed error of an unsuccessful run.
 */
export async function spawnEvaluator(
  definition: EvaluatorDefinition<SpawnSettings>,
  context: EvaluatorRunContext,
  runtime: Partial<Record<Placeholder, string>>,
): Promise<{ argv: string[]; durationMs: number; tail: string }> {
  const values = settingsPlaceholders(definition.settings, []);
  const all: Partial<Record<Placeholder, string>> = { ...Object.fromEntries([...values].filter(([, v]) => v !== null)), ...runtime };
  const available = new Set([...values.keys(), ...(Object.keys(runtime) as Placeholder[])]);
  const argv = fillTemplate(compileTemplate(definition.settings.argv, available), all);
  context.log(`running ${definition.name}: ${JSON.stringify(argv)}`);
  const timeoutMs = definition.timeoutSeconds * 1000;
  const result = await runProcess({
    argv,
    cwd: context.outputDir,
    env: context.env,
    extraEnv: definition.settings.env,
    gpu: context.gpu,
    timeoutMs,
    killGraceMs: definition.settings.killGraceSeconds * 1000,
    logFile: context.logFile,
    signal: context.signal,
    onOutput: context.onOutput,
  });
  context.log(`${definition.name}: ${result.timedOut ? "timed out" : `exit code ${result.exitCode}`} after ${(result.durationMs / 1000).toFixed(1)} s (${result.logBytes} bytes of output)`);
  assertProcessSucceeded(result, `evaluator ${definition.name}`, timeoutMs);
  return { argv, durationMs: result.durationMs, tail: result.tail };
}

/** Reads what a successful run should have written; when it is missing, the error carries the program's last words. */
export function readOutput<T>(read: () => T, tail: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PmaError && (error.code === "eval_results_missing" || error.code === "eval_output_missing") && tail.trim()) {
      const last = tail.trim().split("\n").slice(-10).join("\n");
      throw new PmaError(error.code, `${error.message}\n--- last output ---\n${last}`, { details: error.details });
    }
    throw error;
  }
}

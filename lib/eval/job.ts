import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { listTree } from "../disk";
import { PmaError } from "../errors";
import type { JobHandler } from "../jobs/worker/context";
import type { EvaluationTarget } from "./plan";
import { evaluatorFingerprint } from "./plan";
import type { EvaluatorRegistry } from "./registry";
import { evaluateJobPayloadSchema } from "./payload";
import { runEvaluator } from "./run";

/**
 * The `evaluate` job. The payload names an evaluator; the worker looks it up in ITS OWN evaluators config and
 * never runs a command the server sent (whoever can enqueue must not be able to choose what runs on a GPU
 * worker). The model is a server path (a checkpoint, or a published merge under artifacts/), mapped and checked
 * against the worker's roots; the raw outputs (results JSON or metrics file, and the evaluator's log) are
 * written into the attempt's partial `evals/<key>` and published through the fenced path; the metrics travel in
 * the job's result, so they are recorded in the same transaction that completes the job — never for a losing
 * attempt, once for duplicate completes.
 */
export interface EvaluateJobResult {
  key: string;
  evaluator: string;
  fingerprint: string;
  target: EvaluationTarget;
  metrics: { name: string; value: number; stderr: number | null; n: number | null; higherIsBetter: boolean | null }[];
  warnings: string[];
  details: Record<string, unknown>;
  /** The published raw outputs (artifacts-relative) and the files in it. */
  raw: { name: string; files: string[]; status: "published" | "exists" };
}

/** sha256 over every file's relative name and bytes, in order: the raw artifact's identity for publish. */
function hashTree(root: string): { bytes: number; sha256: string; files: string[] } {
  const entries = listTree(root);
  const hash = createHash("sha256");
  for (const entry of entries) hash.update(`${entry.file}\0${entry.bytes}\0`).update(fs.readFileSync(path.join(root, entry.file)));
  return { bytes: entries.reduce((sum, e) => sum + e.bytes, 0), sha256: hash.digest("hex"), files: entries.map((e) => e.file) };
}

/** Forwards the evaluator's output into the job log line by line (partial lines wait for their end). */
function lineForwarder(log: (line: string) => void): { write(text: string): void; flush(): void } {
  let pending = "";
  return {
    write(text) {
      const lines = (pending + text).split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(`| ${line}`);
    },
    flush() {
      if (pending.trim()) log(`| ${pending}`);
      pending = "";
    },
  };
}

export function createEvaluateHandler(deps: { loadRegistry(): EvaluatorRegistry }): JobHandler<unknown> {
  return async (context) => {
    // Parsed again here (the queue checks on claim too): a worker trusts nothing it did not check itself.
    const parsed = evaluateJobPayloadSchema.safeParse(context.job.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PmaError("eval_payload_invalid", `evaluate job #${context.job.id}: ${issue.path.join(".")}: ${issue.message}`);
    }
    const payload = parsed.data;
    const definition = deps.loadRegistry().get(payload.evaluator);
    const modelDir = await context.resolveInput(payload.target.path);
    const outputDir = await context.outputs.prepare(payload.output);
    const gpu = context.env.CUDA_VISIBLE_DEVICES ? context.env.CUDA_VISIBLE_DEVICES : null;
    const forward = lineForwarder(context.log);
    context.progress({ phase: "evaluating", message: `${definition.name} on ${path.basename(modelDir)}` });
    context.log(`evaluating ${modelDir} with ${definition.name} (${definition.kind}) on ${gpu === null ? "CPU" : `GPU ${gpu}`}`);
    const result = await runEvaluator(definition, {
      modelDir,
      outputDir,
      logFile: path.join(outputDir, "evaluator.log"),
      gpu,
      env: context.env,
      signal: context.signal,
      log: context.log,
      onOutput: forward.write,
    }).finally(forward.flush);
    context.progress({ phase: "publishing", message: `${result.metrics.length} metrics` });
    const summary = hashTree(outputDir);
    const status = await context.outputs.publish(payload.output, summary);
    const { path: _path, ...target } = payload.target;
    return {
      key: payload.key,
      evaluator: definition.name,
      fingerprint: evaluatorFingerprint(definition),
      target,
      metrics: result.metrics,
      warnings: result.warnings,
      details: result.details,
      raw: { name: payload.output, files: summary.files, status },
    } satisfies EvaluateJobResult;
  };
}

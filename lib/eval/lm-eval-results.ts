import fs from "node:fs";
import path from "node:path";
import { PmaError } from "../errors";
import type { MetricRecord } from "./metrics";
import { isJsonObject, parseStrictJson, type JsonValue } from "./strict-json";

/**
 * lm-evaluation-harness 0.4.x results files (`results_<ISO time>.json`, written under
 * `<output_path>/<model name sanitized>/`). Per task (and per group), metric keys are `<metric>,<filter>` with
 * `<metric>_stderr,<filter>` beside them — a number, or "N/A" when the harness did not bootstrap one. Groups
 * (mmlu and its categories) appear in `groups` and again in `results`; we report each once, marked as a group.
 * Beside those: `higher_is_better[task][metric]`, `n-shot[task]`, `n-samples[task] = {original, effective}`
 * (leaf tasks only; a group's n is its `sample_count`, or the sum of its leaves'), and `config` (model, args,
 * batch size, device, limit, seeds), which we keep as details.
 */
export interface LmEvalMetric {
  task: string;
  metric: string;
  filter: string;
  value: number;
  stderr: number | null;
  higherIsBetter: boolean | null;
  n: number | null;
  nShot: number | null;
  isGroup: boolean;
}

export interface LmEvalResults {
  metrics: LmEvalMetric[];
  /** Things skipped on purpose (a non-numeric value, a stray stderr), one line each. */
  warnings: string[];
  lmEvalVersion: string | null;
  modelName: string | null;
  config: { [key: string]: JsonValue } | null;
}

/** A real results file with every MMLU config is ~250 KB; 64 MiB leaves room and still bounds memory. */
export const MAX_RESULTS_BYTES = 64 * 1024 * 1024;
/** Keys in a task's entry that are not metrics. */
const NON_METRIC_KEYS = new Set(["alias", "name", "sample_len", "sample_count", "samples"]);

function malformed(source: string, what: string): never {
  throw new PmaError("eval_results_malformed", `${source}: not an lm-evaluation-harness results file: ${what}`, { details: { source } });
}

function objectAt(root: { [key: string]: JsonValue }, key: string, source: string, required: boolean): { [key: string]: JsonValue } | null {
  const value = root[key];
  if (value === undefined || (value === null && !required)) {
    if (required) malformed(source, `"${key}" is missing`);
    return null;
  }
  if (!isJsonObject(value)) malformed(source, `"${key}" is not an object`);
  return value;
}

function asCount(value: JsonValue | undefined): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** Splits `acc_norm,none` → [acc_norm, none]; a key without a comma is not a 0.4.x metric key. */
function splitKey(key: string): [string, string] | null {
  const comma = key.indexOf(",");
  return comma > 0 ? [key.slice(0, comma), key.slice(comma + 1)] : null;
}

export function parseLmEvalResults(text: string, source: string): LmEvalResults {
  if (text.length > MAX_RESULTS_BYTES) throw new PmaError("eval_results_too_large", `${source}: larger than ${MAX_RESULTS_BYTES} bytes`);
  const root = parseStrictJson(text, source, "eval_results_not_json");
  if (!isJsonObject(root)) malformed(source, "the top level is not an object");
  const results = objectAt(root, "results", source, true)!;
  const groups = objectAt(root, "groups", source, false) ?? {};
  const higher = objectAt(root, "higher_is_better", source, false) ?? {};
  const nShot = objectAt(root, "n-shot", source, false) ?? {};
  const nSamples = objectAt(root, "n-samples", source, false) ?? {};
  const subtasks = objectAt(root, "group_subtasks", source, false) ?? {};
  const warnings: string[] = [];

  const leafCount = (task: string, depth = 0): number | null => {
    const samples = nSamples[task];
    if (isJsonObject(samples)) return asCount(samples.effective) ?? asCount(samples.original);
    const children = subtasks[task];
    if (depth > 8 || !Array.isArray(children) || children.length === 0) return null;
    let total = 0;
    for (const child of children) {
      const count = typeof child === "string" ? leafCount(child, depth + 1) : null;
      if (count === null) return null;
      total += count;
    }
    return total;
  };

  const metrics: LmEvalMetric[] = [];
  const tasks = [...new Set([...Object.keys(results), ...Object.keys(groups)])];
  for (const task of tasks) {
    // Some 0.4 releases list a group only in `results`; its non-empty `group_subtasks` entry still tells.
    const children = subtasks[task];
    const isGroup = Object.hasOwn(groups, task) || (Array.isArray(children) && children.length > 0);
    const entry = Object.hasOwn(groups, task) ? groups[task] : results[task];
    if (!isJsonObject(entry)) malformed(source, `the entry for task "${task}" is not an object`);
    const direction = isJsonObject(higher[task]) ? higher[task] : {};
    const shots = asCount(nShot[task]);
    const sampleCount = isJsonObject(entry.sample_count) ? entry.sample_count : null;
    for (const [key, value] of Object.entries(entry)) {
      if (NON_METRIC_KEYS.has(key)) continue;
      const split = splitKey(key);
      if (!split) {
        warnings.push(`${task}: ignored "${key}" (not a <metric>,<filter> key)`);
        continue;
      }
      const [metric, filter] = split;
      if (metric.endsWith("_stderr")) {
        if (!Object.hasOwn(entry, `${metric.slice(0, -"_stderr".length)},${filter}`)) warnings.push(`${task}: "${key}" has no metric beside it`);
        continue;
      }
      if (typeof value !== "number" || !Number.isFinite(value)) {
        warnings.push(`${task}: skipped ${key} = ${JSON.stringify(value)} (not a finite number)`);
        continue;
      }
      const rawStderr = entry[`${metric}_stderr,${filter}`];
      let stderr: number | null = null;
      if (typeof rawStderr === "number" && Number.isFinite(rawStderr) && rawStderr >= 0) stderr = rawStderr;
      else if (rawStderr !== undefined && rawStderr !== null && rawStderr !== "N/A" && !(typeof rawStderr === "number" && Number.isNaN(rawStderr))) {
        warnings.push(`${task}: ${metric}_stderr,${filter} = ${JSON.stringify(rawStderr)} is not a stderr; recorded none`);
      }
      const hib = direction[metric];
      metrics.push({
        task,
        metric,
        filter,
        value,
        stderr,
        higherIsBetter: typeof hib === "boolean" ? hib : null,
        n: (sampleCount ? asCount(sampleCount[key]) : null) ?? leafCount(task),
        nShot: shots,
        isGroup,
      });
    }
  }
  if (metrics.length === 0) malformed(source, `no "<metric>,<filter>" values in "results" (an lm-eval 0.3 file, or an empty run?)`);
  const config = isJsonObject(root.config) ? root.config : null;
  return {
    metrics,
    warnings,
    lmEvalVersion: typeof root.lm_eval_version === "string" ? root.lm_eval_version : null,
    modelName: typeof root.model_name === "string" ? root.model_name : null,
    config,
  };
}

/** The stored name: `<task>/<metric>` for the default filter, `<task>/<metric>,<filter>` otherwise (lm-eval's own notation). */
export function lmEvalMetricName(metric: Pick<LmEvalMetric, "task" | "metric" | "filter">): string {
  return metric.filter === "none" ? `${metric.task}/${metric.metric}` : `${metric.task}/${metric.metric},${metric.filter}`;
}

export function toMetricRecords(results: LmEvalResults): MetricRecord[] {
  return results.metrics.map((m) => ({ name: lmEvalMetricName(m), value: m.value, stderr: m.stderr, n: m.n, higherIsBetter: m.higherIsBetter }));
}

const RESULTS_FILE = /^results_(.+)\.json$/;

/**
 * The newest `results_<time>.json` under `dir` (lm-eval nests it one level down, in the sanitized model name).
 * Newest by the timestamp in the name — the harness's own rule — then by modification time. Symlinks are not
 * followed.
 */
export function findNewestResultsFile(dir: string, maxDepth = 3): string {
  const found: { file: string; stamp: string; mtime: number }[] = [];
  const visit = (current: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (error) {
      if (depth === 0) throw new PmaError("eval_results_missing", `${dir}: cannot read the directory (${(error as Error).message})`);
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      const match = RESULTS_FILE.exec(entry.name);
      if (entry.isFile() && match) found.push({ file: full, stamp: match[1], mtime: fs.statSync(full).mtimeMs });
      else if (entry.isDirectory() && depth < maxDepth) visit(full, depth + 1);
    }
  };
  visit(dir, 0);
  if (found.length === 0) {
    throw new PmaError("eval_results_missing", `no results_*.json under ${dir}: the harness wrote no results (see its log)`, { details: { dir } });
  }
  found.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : b.mtime - a.mtime));
  return found[0].file;
}

/** Reads a results file, or the newest one under a directory. */
export function readLmEvalResults(target: string): LmEvalResults & { file: string } {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new PmaError("eval_results_missing", `${target}: no such file or directory`);
  if (!stat.isDirectory() && !stat.isFile()) throw new PmaError("eval_results_missing", `${target}: not a regular file or directory`);
  const file = stat.isDirectory() ? findNewestResultsFile(target) : target;
  const size = fs.statSync(file).size;
  if (size > MAX_RESULTS_BYTES) throw new PmaError("eval_results_too_large", `${file}: ${size} bytes; results files are at most ${MAX_RESULTS_BYTES}`);
  return { ...parseLmEvalResults(fs.readFileSync(file, "utf8"), file), file };
}

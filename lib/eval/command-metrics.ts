import fs from "node:fs";
import { PmaError } from "../errors";
import { checkMetricName, checkMetricRecord, checkUniqueNames, type MetricRecord } from "./metrics";
import { isJsonObject, parseStrictJson, type JsonValue } from "./strict-json";

/**
 * The command evaluator's contract: the command writes one JSON file (the `{metrics}` path) in either form
 *
 *   {"metrics": [{"name": "wikitext/word_perplexity", "value": 21.4, "stderr": 0.3, "n": 62, "higher_is_better": false}, …]}
 *   {"wikitext/word_perplexity": 21.4, "arc_easy/acc": 0.61}
 *
 * `stderr`, `n` and `higher_is_better` are optional (null or absent: unknown). Names are unique, values finite.
 * Anything else — a missing file, duplicate keys, NaN, a string value — fails the evaluation with its own code.
 */
export const MAX_METRICS_FILE_BYTES = 8 * 1024 * 1024;

function invalid(source: string, what: string): never {
  throw new PmaError("eval_metrics_invalid", `${source}: ${what}`, { details: { source } });
}

function optionalNumber(value: JsonValue | undefined, source: string, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number") invalid(source, `${field} must be a number or null`);
  return value;
}

function fromEntry(entry: JsonValue, index: number, source: string): MetricRecord {
  const where = `metrics[${index}]`;
  if (!isJsonObject(entry)) invalid(source, `${where} is not an object`);
  for (const key of Object.keys(entry)) {
    if (!["name", "value", "stderr", "n", "higher_is_better"].includes(key)) invalid(source, `${where}: unknown field "${key}"`);
  }
  const name = checkMetricName(entry.name, `${source}: ${where}`);
  if (typeof entry.value !== "number") invalid(source, `${where} (${name}): value must be a number`);
  const hib = entry.higher_is_better;
  if (hib !== undefined && hib !== null && typeof hib !== "boolean") invalid(source, `${where} (${name}): higher_is_better must be true, false or null`);
  return checkMetricRecord(
    {
      name,
      value: entry.value,
      stderr: optionalNumber(entry.stderr, source, `${where} (${name}).stderr`),
      n: optionalNumber(entry.n, source, `${where} (${name}).n`),
      higherIsBetter: typeof hib === "boolean" ? hib : null,
    },
    source,
  );
}

export function parseCommandMetrics(text: string, source: string): MetricRecord[] {
  if (text.length > MAX_METRICS_FILE_BYTES) throw new PmaError("eval_metrics_too_large", `${source}: larger than ${MAX_METRICS_FILE_BYTES} bytes`);
  const root = parseStrictJson(text, source, "eval_metrics_not_json");
  if (!isJsonObject(root)) invalid(source, 'expected an object: {"metrics": [...]} or {"name": value, ...}');
  let records: MetricRecord[];
  if (Object.hasOwn(root, "metrics")) {
    if (!Array.isArray(root.metrics)) invalid(source, `"metrics" must be an array of {name, value, ...}`);
    const extra = Object.keys(root).filter((key) => key !== "metrics");
    if (extra.length > 0) invalid(source, `unexpected top-level field(s) beside "metrics": ${extra.join(", ")}`);
    records = root.metrics.map((entry, index) => fromEntry(entry, index, source));
  } else {
    records = Object.entries(root).map(([name, value]) => {
      if (typeof value !== "number") invalid(source, `"${name}" must be a number (flat form: {"name": value})`);
      return checkMetricRecord({ name: checkMetricName(name, source), value, stderr: null, n: null, higherIsBetter: null }, source);
    });
  }
  if (records.length === 0) invalid(source, "no metrics");
  return checkUniqueNames(records, source);
}

export function readCommandMetrics(file: string): MetricRecord[] {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new PmaError("eval_output_missing", `the command exited successfully but wrote no metrics file (${file})`, { details: { file } });
  if (!stat.isFile()) throw new PmaError("eval_output_missing", `${file} is not a regular file`);
  if (stat.size > MAX_METRICS_FILE_BYTES) throw new PmaError("eval_metrics_too_large", `${file}: ${stat.size} bytes; at most ${MAX_METRICS_FILE_BYTES}`);
  return parseCommandMetrics(fs.readFileSync(file, "utf8"), file);
}

import { PmaError } from "../errors";

/**
 * One score of one evaluation, as every evaluator kind and every import hands it over: the shape the metrics
 * table stores. `higherIsBetter` is null when nobody said (the table, charts and composites then ask).
 */
export interface MetricRecord {
  name: string;
  value: number;
  stderr: number | null;
  /** Samples the value was computed from (lm-eval's effective n-samples), when known. */
  n: number | null;
  higherIsBetter: boolean | null;
}

/** Long enough for `mmlu_high_school_government_and_politics/acc_norm,strict-match`, short enough for a table. */
export const MAX_METRIC_NAME_LENGTH = 200;
/** More metrics than any harness run produces (full lm-eval MMLU + BBH is ~400), small enough to store at once. */
export const MAX_METRICS_PER_EVALUATION = 20_000;

/** A metric name is any printable text up to 200 characters (no control characters: they break logs and CSV). */
export function checkMetricName(name: unknown, where: string): string {
  if (typeof name !== "string" || name.trim().length === 0) throw new PmaError("eval_metric_invalid", `${where}: a metric needs a non-empty name`);
  if (name.length > MAX_METRIC_NAME_LENGTH) throw new PmaError("eval_metric_invalid", `${where}: metric name longer than ${MAX_METRIC_NAME_LENGTH} characters`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new PmaError("eval_metric_invalid", `${where}: metric name ${JSON.stringify(name)} contains a control character`);
  return name;
}

/** Checks one record's numbers; used on everything that arrives from outside (files, commands, imports). */
export function checkMetricRecord(record: MetricRecord, where: string): MetricRecord {
  checkMetricName(record.name, where);
  if (!Number.isFinite(record.value)) throw new PmaError("eval_metric_invalid", `${where}: ${record.name}: the value must be a finite number`);
  if (record.stderr !== null && !(Number.isFinite(record.stderr) && record.stderr >= 0)) {
    throw new PmaError("eval_metric_invalid", `${where}: ${record.name}: stderr must be a finite number >= 0 (or absent)`);
  }
  if (record.n !== null && !(Number.isSafeInteger(record.n) && record.n >= 0)) {
    throw new PmaError("eval_metric_invalid", `${where}: ${record.name}: n must be a whole number >= 0 (or absent)`);
  }
  return record;
}

/** Refuses two records with the same name: which one would be "the" value is not ours to guess. */
export function checkUniqueNames(records: MetricRecord[], where: string): MetricRecord[] {
  if (records.length > MAX_METRICS_PER_EVALUATION) {
    throw new PmaError("eval_too_many_metrics", `${where}: ${records.length} metrics; at most ${MAX_METRICS_PER_EVALUATION} per evaluation`);
  }
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.name)) throw new PmaError("eval_metric_duplicate", `${where}: metric ${JSON.stringify(record.name)} appears twice`);
    seen.add(record.name);
  }
  return records;
}

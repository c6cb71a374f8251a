import { PmaError } from "../errors";
import { parseCsv } from "./csv";
import { checkMetricName, MAX_METRIC_NAME_LENGTH } from "./metrics";

/**
 * Scores produced elsewhere, as CSV. A header is required; columns (any order, case-insensitive):
 *
 *   run, step        — a registered run and a checkpoint step in it          } one of the two
 *   checkpoint       — the checkpoint directory's path (alias: path)          }
 *   metric, value    — required
 *   stderr, n        — optional; empty, "N/A", "NA" or "nan" stderr means unknown
 *   higher_is_better — optional: true/false/1/0/yes/no, empty for unknown
 *
 * Other columns are ignored (with a warning). Every bad row is reported, by line, in one error.
 */
export interface CsvMetricRow {
  line: number;
  target: { run: string; step: number } | { checkpoint: string };
  metric: string;
  value: number;
  stderr: number | null;
  n: number | null;
  higherIsBetter: boolean | null;
}

export const MAX_CSV_BYTES = 64 * 1024 * 1024;
export const MAX_CSV_ROWS = 500_000;
const COLUMNS = ["run", "step", "checkpoint", "metric", "value", "stderr", "n", "higher_is_better"] as const;
type Column = (typeof COLUMNS)[number];
const ALIASES: Record<string, Column> = { path: "checkpoint", checkpoint_path: "checkpoint", "higher-is-better": "higher_is_better" };
const UNKNOWN_STDERR = new Set(["", "n/a", "na", "nan", "none", "null"]);

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function parseBool(text: string): boolean | null | undefined {
  const t = text.trim().toLowerCase();
  if (t === "") return null;
  if (["true", "1", "yes", "y"].includes(t)) return true;
  if (["false", "0", "no", "n"].includes(t)) return false;
  return undefined;
}

export function parseMetricsCsv(text: string, source: string): { rows: CsvMetricRow[]; warnings: string[] } {
  if (text.length > MAX_CSV_BYTES) throw new PmaError("eval_csv_too_large", `${source}: larger than ${MAX_CSV_BYTES} bytes`);
  const [header, ...body] = parseCsv(text, source);
  if (!header) throw new PmaError("eval_csv_invalid", `${source}: empty file (a header row is required)`);
  if (body.length > MAX_CSV_ROWS) throw new PmaError("eval_csv_too_large", `${source}: ${body.length} rows; at most ${MAX_CSV_ROWS}`);
  const warnings: string[] = [];
  const index = new Map<Column, number>();
  header.fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const column = (COLUMNS as readonly string[]).includes(name) ? (name as Column) : ALIASES[name];
    if (!column) warnings.push(`column "${raw}" ignored`);
    else if (index.has(column)) throw new PmaError("eval_csv_invalid", `${source}: column "${column}" appears twice in the header`);
    else index.set(column, i);
  });
  const missing = (["metric", "value"] as Column[]).filter((c) => !index.has(c));
  if (missing.length > 0) throw new PmaError("eval_csv_invalid", `${source}: the header has no ${missing.join(" or ")} column (header: ${header.fields.join(",")})`);
  if (!index.has("checkpoint") && !(index.has("run") && index.has("step"))) {
    throw new PmaError("eval_csv_invalid", `${source}: the header needs a checkpoint column, or run and step columns`);
  }

  const errors: string[] = [];
  const rows: CsvMetricRow[] = [];
  const seen = new Map<string, number>();
  for (const row of body) {
    const get = (column: Column): string => (index.has(column) ? (row.fields[index.get(column)!] ?? "") : "");
    const problems: string[] = [];
    if (row.fields.length !== header.fields.length) problems.push(`${row.fields.length} fields, the header has ${header.fields.length}`);
    const checkpoint = get("checkpoint").trim();
    const run = get("run").trim();
    const stepText = get("step").trim();
    let target: CsvMetricRow["target"] | null = null;
    if (checkpoint) target = { checkpoint };
    else if (run && /^\d+$/.test(stepText) && Number.isSafeInteger(Number(stepText))) target = { run, step: Number(stepText) };
    else problems.push(run ? `step ${JSON.stringify(stepText)} is not a whole number` : "no checkpoint path, and no run and step");
    const metric = get("metric").trim();
    try {
      checkMetricName(metric, "metric");
    } catch {
      problems.push(`metric name ${JSON.stringify(metric.slice(0, 40))} is empty, longer than ${MAX_METRIC_NAME_LENGTH} or has control characters`);
    }
    const value = parseNumber(get("value"));
    if (value === null) problems.push(`value ${JSON.stringify(get("value"))} is not a finite number`);
    const stderrText = get("stderr");
    const stderr = UNKNOWN_STDERR.has(stderrText.trim().toLowerCase()) ? null : parseNumber(stderrText);
    if (stderr === null && !UNKNOWN_STDERR.has(stderrText.trim().toLowerCase())) problems.push(`stderr ${JSON.stringify(stderrText)} is not a number`);
    if (stderr !== null && stderr < 0) problems.push("stderr is negative");
    const nText = get("n").trim();
    const n = nText === "" ? null : Number(nText);
    if (n !== null && !(Number.isSafeInteger(n) && n >= 0)) problems.push(`n ${JSON.stringify(nText)} is not a whole number`);
    const higherIsBetter = parseBool(get("higher_is_better"));
    if (higherIsBetter === undefined) problems.push(`higher_is_better ${JSON.stringify(get("higher_is_better"))} is not true/false`);
    if (target && problems.length === 0) {
      const key = JSON.stringify([target, metric]);
      const first = seen.get(key);
      if (first !== undefined) problems.push(`the same checkpoint and metric as line ${first}`);
      else seen.set(key, row.line);
    }
    if (problems.length > 0) errors.push(`line ${row.line}: ${problems.join("; ")}`);
    else rows.push({ line: row.line, target: target!, metric, value: value!, stderr, n, higherIsBetter: higherIsBetter ?? null });
  }
  if (errors.length > 0) {
    const shown = errors.slice(0, 20).join("\n  ");
    const more = errors.length > 20 ? `\n  … and ${errors.length - 20} more` : "";
    throw new PmaError("eval_csv_invalid", `${source}: ${errors.length} bad row(s); nothing was imported:\n  ${shown}${more}`, { details: { errors } });
  }
  if (rows.length === 0) throw new PmaError("eval_csv_invalid", `${source}: no data rows under the header`);
  return { rows, warnings };
}

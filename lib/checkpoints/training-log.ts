import { PmaError } from "../errors";

/** One training-log row after parsing: step plus any of the known series. */
export interface TrainingLogRow {
  step: number;
  tokens?: number;
  values: Record<string, number>;
}

/** Column names people use, mapped to the series names we store. */
const SERIES_ALIASES: Record<string, string> = {
  loss: "loss",
  train_loss: "loss",
  "train/loss": "loss",
  lr: "lr",
  learning_rate: "lr",
  "train/lr": "lr",
  grad_norm: "grad_norm",
  gradnorm: "grad_norm",
  "train/grad_norm": "grad_norm",
  eval_loss: "eval_loss",
};

const STEP_KEYS = ["step", "global_step", "iteration", "iter"];
const TOKEN_KEYS = ["tokens", "num_input_tokens_seen", "consumed_tokens"];

function toRow(record: Record<string, unknown>, source: string, line: number): TrainingLogRow | undefined {
  const stepKey = STEP_KEYS.find((key) => record[key] !== undefined && record[key] !== "");
  if (!stepKey) return undefined;
  const step = Number(record[stepKey]);
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new PmaError("log_invalid", `${source}: line ${line}: step "${String(record[stepKey])}" is not a non-negative integer`);
  }
  const values: Record<string, number> = {};
  for (const [key, raw] of Object.entries(record)) {
    const series = SERIES_ALIASES[key.toLowerCase()];
    if (!series || raw === null || raw === "") continue;
    const value = Number(raw);
    if (Number.isFinite(value)) values[series] = value;
  }
  const tokenKey = TOKEN_KEYS.find((key) => record[key] !== undefined && record[key] !== "");
  const tokens = tokenKey === undefined ? undefined : Number(record[tokenKey]);
  return { step, values, ...(tokens !== undefined && Number.isSafeInteger(tokens) ? { tokens } : {}) };
}

/** HF Trainer's `trainer_state.json`: rows of `log_history` (entries without a step are skipped). */
export function parseTrainerState(text: string, source: string): { rows: TrainingLogRow[]; globalStep?: number; tokensSeen?: number } {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw new PmaError("log_invalid", `${source}: not valid JSON`);
  }
  if (!state || typeof state !== "object" || Array.isArray(state)) throw new PmaError("log_invalid", `${source}: expected a JSON object`);
  const record = state as Record<string, unknown>;
  const history = Array.isArray(record.log_history) ? record.log_history : [];
  const rows = history
    .filter((entry): entry is Record<string, unknown> => !!entry && typeof entry === "object")
    .map((entry, index) => toRow(entry, source, index + 1))
    .filter((row): row is TrainingLogRow => row !== undefined);
  const globalStep = Number.isSafeInteger(record.global_step) ? (record.global_step as number) : undefined;
  const tokensSeen = Number.isSafeInteger(record.num_input_tokens_seen) ? (record.num_input_tokens_seen as number) : undefined;
  return { rows, globalStep, tokensSeen };
}

/** A JSON-lines log: one object per line with a step and any of loss / lr / grad_norm. */
export function parseJsonlLog(text: string, source: string): TrainingLogRow[] {
  const rows: TrainingLogRow[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new PmaError("log_invalid", `${source}: line ${index + 1} is not valid JSON`);
    }
    if (!record || typeof record !== "object" || Array.isArray(record)) {
      throw new PmaError("log_invalid", `${source}: line ${index + 1} is not a JSON object`);
    }
    const row = toRow(record as Record<string, unknown>, source, index + 1);
    if (row) rows.push(row);
  });
  return rows;
}

/** A CSV log with a header row (step plus any of loss / lr / grad_norm); no quoting is needed for numbers. */
export function parseCsvLog(text: string, source: string): TrainingLogRow[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return [];
  const header = lines[0].split(",").map((cell) => cell.trim().replace(/^"|"$/g, ""));
  if (!header.some((name) => STEP_KEYS.includes(name))) {
    throw new PmaError("log_invalid", `${source}: the header has no step column (expected one of ${STEP_KEYS.join(", ")})`);
  }
  return lines
    .slice(1)
    .map((line, index) => {
      const cells = line.split(",").map((cell) => cell.trim());
      if (cells.length !== header.length) {
        throw new PmaError("log_invalid", `${source}: line ${index + 2} has ${cells.length} columns, the header has ${header.length}`);
      }
      return toRow(Object.fromEntries(header.map((name, column) => [name, cells[column]])), source, index + 2);
    })
    .filter((row): row is TrainingLogRow => row !== undefined);
}

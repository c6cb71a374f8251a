import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PmaError } from "../errors";
import type { LogPoint } from "./runs";
import { LOG_FILE } from "./train";

/** Reads a lab run's train_log.jsonl (the same file the checkpoint scanner imports). */
export async function readRunLog(runDir: string): Promise<LogPoint[]> {
  const file = join(runDir, LOG_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new PmaError("lab_missing_file", `${file} is missing: has this run been trained? (pma-lab lab)`, { cause: error });
  }
  const points: LogPoint[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    let row: { step?: unknown; loss?: unknown; grad_norm?: unknown };
    try {
      row = JSON.parse(line);
    } catch {
      throw new PmaError("lab_bad_log", `${file}: line ${index + 1} is not valid JSON`);
    }
    if (typeof row.step !== "number" || typeof row.loss !== "number") throw new PmaError("lab_bad_log", `${file}: line ${index + 1} lacks a numeric step and loss`);
    points.push({ step: row.step, loss: row.loss, ...(typeof row.grad_norm === "number" ? { grad_norm: row.grad_norm } : {}) });
  });
  return points;
}

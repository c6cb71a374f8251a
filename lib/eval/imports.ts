import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { writeTransaction, type Db } from "../../db/client";
import { insertEvaluationOnce, insertMetrics } from "../../db/queries";
import { fsyncDirectory } from "../disk";
import { PmaError } from "../errors";
import { parseMetricsCsv } from "./import-csv";
import { parseLmEvalResults, toMetricRecords } from "./lm-eval-results";
import { checkUniqueNames, type MetricRecord } from "./metrics";
import { describeRef, findRegisteredCheckpoint, type CheckpointRef } from "./targets";

/**
 * Scores produced elsewhere (annealed baselines scored by the training team's pipeline, old runs). Each imported
 * file is kept, content-addressed, as `<dataDir>/imports/<sha256>.<ext>`; each (file, checkpoint) pair is one
 * evaluation whose key is derived from the file's sha256, so importing the same file again has no effect.
 * Everything a file says is checked before anything is written, and written in one transaction: all or nothing.
 */
export interface ImportedEvaluation {
  checkpointId: number;
  target: string;
  evaluationId: number;
  metrics: number;
  duplicate: boolean;
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Keeps the raw file: written to a temporary name, fsynced, renamed (an interrupted import leaves no half file). */
function keepRawFile(dataDir: string, bytes: Buffer, digest: string, ext: "json" | "csv"): string {
  const relative = path.join("imports", `${digest}.${ext}`);
  const final = path.join(dataDir, relative);
  if (fs.existsSync(final)) return relative;
  fs.mkdirSync(path.dirname(final), { recursive: true });
  const temp = `${final}.partial-${process.pid}`;
  const fd = fs.openSync(temp, "w");
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, final);
  fsyncDirectory(path.dirname(final));
  return relative;
}

function importKey(kind: string, digest: string, checkpointId: number): string {
  return createHash("sha256").update(`import\n${kind}\n${digest}\ncheckpoint:${checkpointId}`).digest("hex");
}

function record(tx: Db, kind: "lm-eval" | "csv", digest: string, rawPath: string, checkpointId: number, metrics: MetricRecord[], details: Record<string, unknown>, now: number) {
  const { evaluation, created } = insertEvaluationOnce(tx, {
    key: importKey(kind, digest, checkpointId),
    evaluator: `import:${kind}`,
    evaluatorFingerprint: null,
    origin: "import",
    target: { checkpointId },
    status: "succeeded",
    rawPath,
    sourceSha256: digest,
    details,
    now,
  });
  if (created) insertMetrics(tx, evaluation.id, metrics);
  return { evaluationId: evaluation.id, duplicate: !created };
}

/** lm-eval results files (already read: the caller picks the newest results_*.json of a directory). */
export function importLmEvalResults(db: Db, dataDir: string, files: { name: string; bytes: Buffer }[], ref: CheckpointRef, now = Date.now()): ImportedEvaluation[] {
  const checkpoint = findRegisteredCheckpoint(db, ref);
  const parsed = files.map((file) => {
    const results = parseLmEvalResults(file.bytes.toString("utf8"), file.name);
    return { file, results, metrics: checkUniqueNames(toMetricRecords(results), file.name), digest: sha256(file.bytes) };
  });
  const stored = parsed.map((p) => keepRawFile(dataDir, p.file.bytes, p.digest, "json"));
  return writeTransaction(db, (tx) =>
    parsed.map((p, i) => {
      const details = { source: path.basename(p.file.name), lmEvalVersion: p.results.lmEvalVersion, modelName: p.results.modelName, config: p.results.config, warnings: p.results.warnings };
      const outcome = record(tx, "lm-eval", p.digest, stored[i], checkpoint.id, p.metrics, details, now);
      return { checkpointId: checkpoint.id, target: describeRef(ref), ...outcome, metrics: p.metrics.length };
    }),
  );
}

/** A CSV of scores for any number of registered checkpoints (columns in ./import-csv.ts). */
export function importMetricsCsv(db: Db, dataDir: string, file: { name: string; bytes: Buffer }, now = Date.now()): { imported: ImportedEvaluation[]; warnings: string[] } {
  const { rows, warnings } = parseMetricsCsv(file.bytes.toString("utf8"), file.name);
  const byCheckpoint = new Map<number, { target: string; metrics: MetricRecord[]; lines: Map<string, number> }>();
  const errors: string[] = [];
  for (const row of rows) {
    const ref: CheckpointRef = "checkpoint" in row.target ? { checkpoint: row.target.checkpoint } : row.target;
    let checkpointId: number;
    try {
      checkpointId = findRegisteredCheckpoint(db, ref).id;
    } catch (error) {
      errors.push(`line ${row.line}: ${(error as Error).message}`);
      continue;
    }
    const group = byCheckpoint.get(checkpointId) ?? { target: describeRef(ref), metrics: [] as MetricRecord[], lines: new Map<string, number>() };
    byCheckpoint.set(checkpointId, group);
    const first = group.lines.get(row.metric);
    if (first !== undefined) errors.push(`line ${row.line}: ${row.metric} for this checkpoint is already on line ${first} (named another way)`);
    group.lines.set(row.metric, row.line);
    group.metrics.push({ name: row.metric, value: row.value, stderr: row.stderr, n: row.n, higherIsBetter: row.higherIsBetter });
  }
  if (errors.length > 0) {
    throw new PmaError("eval_import_refused", `${file.name}: ${errors.length} row(s) refused; nothing was imported:\n  ${errors.slice(0, 20).join("\n  ")}`, { details: { errors } });
  }
  const digest = sha256(file.bytes);
  const rawPath = keepRawFile(dataDir, file.bytes, digest, "csv");
  const imported = writeTransaction(db, (tx) =>
    [...byCheckpoint].map(([checkpointId, group]) => {
      const outcome = record(tx, "csv", digest, rawPath, checkpointId, group.metrics, { source: path.basename(file.name) }, now);
      return { checkpointId, target: group.target, ...outcome, metrics: group.metrics.length };
    }),
  );
  return { imported, warnings };
}

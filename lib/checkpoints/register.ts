import { writeTransaction, type Db } from "../../db/client";
import { findRunByName, markMissingCheckpoints, recordScanSummary, upsertCheckpoint, upsertLogPoints, upsertRun, type LogPoint } from "../../db/queries";
import type { CheckpointPhase, DeclaredSchedule } from "../../db/schema";
import type { Config } from "../env";
import { PmaError } from "../errors";
import { resolveInitRecipe } from "../init/resolve";
import { resolveAllowedDirectory } from "./paths";
import type { RegisterRequest } from "./register-request";
import { scanDirectory, type DirectoryScan } from "./scan";
import { parseScheduleText, phaseFromLrLog, phaseFromSchedule, valueAtStep } from "./schedule";
import type { ScanResult } from "./types";

/**
 * Registers (or rescans) a run's checkpoint directory. Reading and validating happen first, outside any
 * transaction; the run, its checkpoints, the vanished ones and the training log are then recorded in one
 * write transaction, so a failure leaves the database as it was. Rescanning is idempotent.
 */
export async function registerCheckpoints(db: Db, config: Config, request: RegisterRequest): Promise<ScanResult> {
  const directory = await resolveAllowedDirectory(request.directory, config.roots);
  const schedule = request.schedule === undefined ? undefined : parseScheduleText(request.schedule);
  const parent = request.branchOf === undefined ? undefined : findRunByName(db, request.branchOf);
  if (request.branchOf !== undefined && !parent) {
    throw new PmaError("run_not_found", `Run "${request.branchOf}" (given as the parent of this branch) is not registered`);
  }
  if (parent && parent.name === request.run) throw new PmaError("branch_of_itself", "A run cannot be a branch of itself");

  const initRecipeHash = request.initFrom === undefined ? undefined : await resolveInitRecipe(db, request.initFrom, config.roots);
  const scan = await scanDirectory(directory, config.roots);
  const existing = findRunByName(db, request.run);
  const tokensPerStep = request.tokensPerStep ?? existing?.tokensPerStep ?? null;
  const effectiveSchedule = schedule ?? existing?.schedule ?? null;
  const rows = describeCheckpoints(scan, tokensPerStep, effectiveSchedule);
  const logPoints = toLogPoints(scan, tokensPerStep);

  return writeTransaction(db, (tx) => {
    const run = upsertRun(tx, request.run, {
      directory,
      tokensPerStep: request.tokensPerStep,
      schedule,
      parentRunId: parent?.id,
      forkTokens: request.forkTokens,
      kind: request.kind,
      params: scan.checkpoints[0]?.opened.params,
      peakLr: peakOf(logPoints, "lr"),
      initRecipeHash,
    });
    let added = 0;
    let updated = 0;
    for (const row of rows) {
      const outcome = upsertCheckpoint(tx, run.id, row.step, row.fields);
      if (outcome === "added") added += 1;
      if (outcome === "updated") updated += 1;
    }
    const missing = markMissingCheckpoints(tx, run.id, new Set(rows.map((row) => row.step)));
    upsertLogPoints(tx, run.id, logPoints);
    recordScanSummary(tx, run.id, { at: new Date().toISOString(), directory, added, updated, missing, rejected: scan.rejected });
    return {
      run: run.name,
      directory,
      checkpoints: rows.map((row) => ({
        step: row.step,
        tokens: row.fields.tokens,
        lr: row.fields.lr,
        phase: row.fields.phase,
        path: row.fields.path,
        bytes: row.fields.bytes,
        params: row.fields.params,
      })),
      added,
      updated,
      missing,
      rejected: scan.rejected,
      warnings: scan.warnings,
      logPoints: logPoints.length,
      initRecipeHash: run.initRecipeHash,
    };
  });
}

function describeCheckpoints(scan: DirectoryScan, tokensPerStep: number | null, schedule: DeclaredSchedule | null) {
  const lrLog = scan.logRows.filter((row) => row.values.lr !== undefined).map((row) => ({ step: row.step, value: row.values.lr }));
  lrLog.sort((a, b) => a.step - b.step);
  const loggedTokens = new Map(scan.logRows.filter((row) => row.tokens !== undefined).map((row) => [row.step, row.tokens as number]));
  return scan.checkpoints.map((checkpoint) => {
    const tokens = checkpoint.tokensSeen ?? (tokensPerStep !== null ? checkpoint.step * tokensPerStep : loggedTokens.get(checkpoint.step) ?? null);
    const phase: CheckpointPhase | null = schedule ? phaseFromSchedule(checkpoint.step, schedule) : phaseFromLrLog(checkpoint.step, lrLog);
    const { opened } = checkpoint;
    return {
      step: checkpoint.step,
      fields: {
        tokens,
        lr: valueAtStep(lrLog, checkpoint.step),
        phase,
        path: checkpoint.path,
        format: opened.format,
        dtypes: opened.dtypes,
        params: opened.params,
        tensorCount: opened.tensors.length,
        bytes: opened.totalBytes,
        shards: opened.shards.map((shard) => ({
          file: shard.filePath.slice(checkpoint.path.length + 1),
          bytes: shard.fileSize,
          tensors: shard.tensors.length,
        })),
        fingerprint: checkpoint.fingerprint,
      },
    };
  });
}

function toLogPoints(scan: DirectoryScan, tokensPerStep: number | null): LogPoint[] {
  const points: LogPoint[] = [];
  for (const row of scan.logRows) {
    const tokens = row.tokens ?? (tokensPerStep === null ? null : row.step * tokensPerStep);
    for (const [series, value] of Object.entries(row.values)) points.push({ series, step: row.step, tokens, value });
  }
  return points;
}

function peakOf(points: LogPoint[], series: string): number | undefined {
  const values = points.filter((point) => point.series === series).map((point) => point.value);
  return values.length === 0 ? undefined : Math.max(...values);
}

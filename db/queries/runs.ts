import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { checkpoints, runs, type DeclaredSchedule, type NewRun, type Run, type ScanSummary } from "../schema";

export interface RunSummary extends Run {
  parentName: string | null;
  checkpointCount: number;
  missingCount: number;
  minTokens: number | null;
  maxTokens: number | null;
  maxStep: number | null;
}

/** Every run with its checkpoint counts and token range, ordered by name. */
export function listRuns(db: Db): RunSummary[] {
  const counts = db
    .select({
      runId: checkpoints.runId,
      checkpointCount: sql<number>`sum(case when ${checkpoints.status} = 'present' then 1 else 0 end)`,
      missingCount: sql<number>`sum(case when ${checkpoints.status} = 'missing' then 1 else 0 end)`,
      minTokens: sql<number | null>`min(${checkpoints.tokens})`,
      maxTokens: sql<number | null>`max(${checkpoints.tokens})`,
      maxStep: sql<number | null>`max(${checkpoints.step})`,
    })
    .from(checkpoints)
    .groupBy(checkpoints.runId)
    .all();
  const byRun = new Map(counts.map((row) => [row.runId, row]));
  const all = db.select().from(runs).orderBy(asc(runs.name)).all();
  const names = new Map(all.map((run) => [run.id, run.name]));
  return all.map((run) => {
    const count = byRun.get(run.id);
    return {
      ...run,
      parentName: run.parentRunId === null ? null : (names.get(run.parentRunId) ?? null),
      checkpointCount: count?.checkpointCount ?? 0,
      missingCount: count?.missingCount ?? 0,
      minTokens: count?.minTokens ?? null,
      maxTokens: count?.maxTokens ?? null,
      maxStep: count?.maxStep ?? null,
    };
  });
}

export function findRunByName(db: Db, name: string): Run | undefined {
  return db.select().from(runs).where(eq(runs.name, name)).get();
}

export function findRunById(db: Db, id: number): Run | undefined {
  return db.select().from(runs).where(eq(runs.id, id)).get();
}

/** Runs forked from `runId` (its branches), ordered by fork point. */
export function listBranches(db: Db, runId: number): Run[] {
  return db.select().from(runs).where(eq(runs.parentRunId, runId)).orderBy(asc(runs.forkTokens)).all();
}

export interface RunSettings {
  directory?: string | null;
  tokensPerStep?: number | null;
  schedule?: DeclaredSchedule | null;
  parentRunId?: number | null;
  forkTokens?: number | null;
  kind?: string | null;
  params?: number | null;
  peakLr?: number | null;
  /** The PMA-init recipe the run was initialised from. */
  initRecipeHash?: string | null;
}

/**
 * Creates the run, or updates the settings given (undefined keeps the stored value). Call inside a write
 * transaction when it is part of a larger change.
 */
export function upsertRun(db: Db, name: string, settings: RunSettings): Run {
  const existing = findRunByName(db, name);
  const defined = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<NewRun>;
  if (!existing) return db.insert(runs).values({ name, ...defined }).returning().get();
  if (Object.keys(defined).length === 0) return existing;
  return db.update(runs).set(defined).where(eq(runs.id, existing.id)).returning().get();
}

/** Runs initialised from any of these recipes (PMA-init lineage), ordered by name. */
export function listRunsInitialisedFrom(db: Db, recipeHashes: string[]): Run[] {
  if (recipeHashes.length === 0) return [];
  return db.select().from(runs).where(inArray(runs.initRecipeHash, [...new Set(recipeHashes)])).orderBy(asc(runs.name)).all();
}

export function recordScanSummary(db: Db, runId: number, summary: ScanSummary): void {
  db.update(runs).set({ lastScan: summary }).where(eq(runs.id, runId)).run();
}

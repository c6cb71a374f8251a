import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { trainingLogs } from "../schema";

export interface LogPoint {
  series: string;
  step: number;
  tokens: number | null;
  value: number;
}

/** Adds or replaces training-log points (idempotent per run, series and step). Returns how many were written. */
export function upsertLogPoints(db: Db, runId: number, points: LogPoint[]): number {
  const chunk = 500;
  for (let start = 0; start < points.length; start += chunk) {
    const rows = points.slice(start, start + chunk).map((point) => ({ runId, ...point }));
    db.insert(trainingLogs)
      .values(rows)
      .onConflictDoUpdate({
        target: [trainingLogs.runId, trainingLogs.series, trainingLogs.step],
        set: { value: sql`excluded.value`, tokens: sql`excluded.tokens` },
      })
      .run();
  }
  return points.length;
}

/** The run's log as series name → points ordered by step. */
export function listLogSeries(db: Db, runId: number): Record<string, { step: number; tokens: number | null; value: number }[]> {
  const rows = db
    .select()
    .from(trainingLogs)
    .where(eq(trainingLogs.runId, runId))
    .orderBy(asc(trainingLogs.series), asc(trainingLogs.step))
    .all();
  const series: Record<string, { step: number; tokens: number | null; value: number }[]> = {};
  for (const row of rows) (series[row.series] ??= []).push({ step: row.step, tokens: row.tokens, value: row.value });
  return series;
}

/** One series of the run's log, ordered by step. */
export function listSeriesPoints(db: Db, runId: number, series: string): { step: number; tokens: number | null; value: number }[] {
  return db
    .select({ step: trainingLogs.step, tokens: trainingLogs.tokens, value: trainingLogs.value })
    .from(trainingLogs)
    .where(and(eq(trainingLogs.runId, runId), eq(trainingLogs.series, series)))
    .orderBy(asc(trainingLogs.step))
    .all();
}

/** The logged value of `series` at the largest step ≤ `step` (e.g. the LR at a checkpoint). */
export function findLoggedValueAt(db: Db, runId: number, series: string, step: number): number | undefined {
  const row = db
    .select({ value: trainingLogs.value })
    .from(trainingLogs)
    .where(and(eq(trainingLogs.runId, runId), eq(trainingLogs.series, series), sql`${trainingLogs.step} <= ${step}`))
    .orderBy(sql`${trainingLogs.step} desc`)
    .limit(1)
    .get();
  return row?.value;
}

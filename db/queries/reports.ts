import { desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { reports, type NewReport, type Report } from "../schema";

/** Records a written report; a hash already recorded is left as it is. Returns the stored row either way. */
export function insertReport(db: Db, row: Omit<NewReport, "id" | "createdAt">): { report: Report; created: boolean } {
  const inserted = db.insert(reports).values(row).onConflictDoNothing({ target: reports.hash }).returning().get();
  return inserted ? { report: inserted, created: true } : { report: findReportByHash(db, row.hash)!, created: false };
}

export function findReportByHash(db: Db, hash: string): Report | undefined {
  return db.select().from(reports).where(eq(reports.hash, hash)).get();
}

/** Newest first. */
export function listReports(db: Db, limit = 200): Report[] {
  return db.select().from(reports).orderBy(desc(reports.id)).limit(limit).all();
}

/** After more forms of the same content were added to a report's directory. */
export function updateReportFiles(db: Db, hash: string, formats: string[], files: Report["files"]): void {
  db.update(reports).set({ formats, files }).where(eq(reports.hash, hash)).run();
}

import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** What a report covers: sweeps and/or runs, by id and name as they were when it was written. */
export interface ReportScope {
  sweepIds: number[];
  runNames: string[];
}

/**
 * A written report. Reports are immutable: `hash` is the sha256 of the report's content (its document model),
 * the files live under `<dataDir>/reports/<hash>/`, and writing the same content again finds this row.
 */
export const reports = sqliteTable("reports", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  hash: text("hash").notNull().unique(),
  title: text("title").notNull(),
  scope: text("scope", { mode: "json" }).$type<ReportScope>().notNull(),
  /** The forms written: "html", "pdf", "md", "csv". */
  formats: text("formats", { mode: "json" }).$type<string[]>().notNull(),
  /** Data-dir relative directory holding every file of the report. */
  path: text("path").notNull(),
  /** Every file under `path`, relative to it, with its size. */
  files: text("files", { mode: "json" }).$type<{ name: string; bytes: number }[]>().notNull(),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
});

export type Report = typeof reports.$inferSelect;
export type NewReport = typeof reports.$inferInsert;

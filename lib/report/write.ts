import fs from "node:fs";
import path from "node:path";
import { writeTransaction, type Db } from "../../db/client";
import { findReportByHash, insertReport, updateReportFiles } from "../../db/queries";
import type { Report } from "../../db/schema";
import { dataLayout, fsyncDirectory, fsyncTree, listTree, removeTree } from "../disk";
import type { CompositeDefinition } from "../eval/composite";
import { buildReportDocument } from "./build";
import { buildDataset } from "./dataset";
import { documentHash, type ReportDocument } from "./document";
import { REPORT_FORMATS, renderReportFiles, type RenderDeps, type ReportFormat } from "./files";
import { loadReportSnapshot, type ScopeRequest } from "./snapshot";

/**
 * Writes a report: snapshot → document → hash → files under `<dataDir>/reports/<hash>/`, written to a temporary
 * directory and renamed into place, then recorded in the reports table. Immutable and idempotent: the same content
 * hashes alike, so writing it again finds the existing report (adding only forms it lacked) and never duplicates it.
 */
export interface WriteReportRequest extends ScopeRequest {
  formats?: ReportFormat[];
  metric?: string;
  title?: string;
}

export interface WriteReportDeps extends RenderDeps {
  dataDir: string;
  composites?: CompositeDefinition[];
}

export interface WrittenReport {
  report: Report;
  /** False when the same content had been written before (nothing new was rendered). */
  created: boolean;
  dir: string;
  document: ReportDocument;
}

export async function writeReport(db: Db, request: WriteReportRequest, deps: WriteReportDeps): Promise<WrittenReport> {
  const snapshot = loadReportSnapshot(db, request, deps.composites ?? []);
  const document = buildReportDocument(buildDataset(snapshot, { metric: request.metric }), { title: request.title });
  const hash = documentHash(document);
  const root = dataLayout(deps.dataDir).reports;
  const dir = path.join(root, hash);
  const wanted = request.formats ?? [...REPORT_FORMATS];
  const existing = findReportByHash(db, hash);
  const intact = existing !== undefined && filesIntact(dir, existing.files);
  const have = intact ? existing.formats : [];
  if (existing && intact && wanted.every((f) => have.includes(f))) return { report: existing, created: false, dir, document };

  const formats = REPORT_FORMATS.filter((f) => wanted.includes(f) || have.includes(f));
  const files = await renderReportFiles(document, hash, formats, deps);
  fs.mkdirSync(root, { recursive: true });
  const temp = fs.mkdtempSync(path.join(root, `.${hash}.partial-`));
  try {
    for (const [name, content] of files) fs.writeFileSync(path.join(temp, name), content);
    fsyncTree(temp);
    swapInto(temp, dir);
    fsyncDirectory(root);
  } finally {
    removeTree(temp);
  }
  const listed = listTree(dir).map((entry) => ({ name: entry.file, bytes: entry.bytes }));
  const relative = path.relative(deps.dataDir, dir).split(path.sep).join("/");
  const report = writeTransaction(db, (tx) => {
    const { report: row, created } = insertReport(tx, { hash, title: document.title, scope: document.scope, formats, path: relative, files: listed });
    if (created) return row;
    updateReportFiles(tx, hash, formats, listed);
    return findReportByHash(tx, hash)!;
  });
  return { report, created: !existing, dir, document };
}

/** Every recorded file is there with its recorded size. */
function filesIntact(dir: string, files: Report["files"]): boolean {
  return files.every((file) => fs.statSync(path.join(dir, file.name), { throwIfNoEntry: false })?.size === file.bytes);
}

/**
 * Renames `temp` to `dir`. An existing `dir` (the same content in fewer forms, or left over without a row) is moved
 * aside first and removed after; a concurrent writer of the same hash that got there first wins, since its files
 * are the same content.
 */
function swapInto(temp: string, dir: string): void {
  const aside = fs.existsSync(dir) ? `${dir}.old-${process.pid}-${Date.now()}` : null;
  if (aside) fs.renameSync(dir, aside);
  try {
    fs.renameSync(temp, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  } finally {
    if (aside) removeTree(aside);
  }
}

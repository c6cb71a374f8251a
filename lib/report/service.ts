import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { findReportByHash } from "../../db/queries";
import type { Report } from "../../db/schema";
import { dataLayout, isInside } from "../disk";
import { DEFAULT_CHROMIUM, type Config } from "../env";
import { PmaError } from "../errors";
import type { CompositeDefinition } from "../eval/composite";
import { loadEvaluators } from "../eval/registry";
import { REPORT_FILE_NAME } from "./files";
import { printPdf } from "./render-pdf";
import { writeReport, type WriteReportRequest, type WrittenReport } from "./write";

/** What the CLI and the UI call: the writer wired to the server's evaluators config and Chromium. */
export async function generateReport(db: Db, config: Pick<Config, "dataDir" | "chromiumPath">, request: WriteReportRequest): Promise<WrittenReport> {
  return writeReport(db, request, {
    dataDir: config.dataDir,
    composites: readComposites(config.dataDir),
    printPdf: (html) => printPdf(html, { executablePath: config.chromiumPath ?? DEFAULT_CHROMIUM }),
  });
}

/** Composites come with the evaluators config; one that does not load gives none (the report still writes). */
function readComposites(dataDir: string): CompositeDefinition[] {
  try {
    return loadEvaluators(dataDir).composites;
  } catch {
    return [];
  }
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".pdf": "application/pdf",
  ".md": "text/markdown; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".csv": "text/csv; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
};

export interface ReportFile {
  report: Report;
  name: string;
  path: string;
  bytes: number;
  contentType: string;
}

/**
 * A file of a recorded report, for download. Takes a hash and a name, never a path: the hash must be a recorded
 * report's, the name one of the files recorded for it, and the resolved real path a regular file inside that
 * report's directory — anything else is "not found".
 */
export function findReportFile(db: Db, dataDir: string, hash: string, name: string): ReportFile {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new PmaError("report_not_found", "no such report");
  const report = findReportByHash(db, hash);
  if (!report) throw new PmaError("report_not_found", `no report ${hash.slice(0, 12)}`);
  const recorded = report.files.find((file) => file.name === name);
  if (!recorded || !REPORT_FILE_NAME.test(name)) throw new PmaError("report_file_not_found", `report ${hash.slice(0, 12)} has no file "${name.slice(0, 100)}"`);
  const root = dataLayout(dataDir).reports;
  const dir = path.join(root, hash);
  let real: string;
  try {
    real = fs.realpathSync(path.join(dir, name));
  } catch {
    throw new PmaError("report_file_not_found", `the file "${name}" of report ${hash.slice(0, 12)} is missing on disk`);
  }
  const stat = fs.lstatSync(real);
  if (!stat.isFile() || !isInside(real, fs.realpathSync(dir))) throw new PmaError("report_file_not_found", `the file "${name}" of report ${hash.slice(0, 12)} is not a regular file of it`);
  return { report, name, path: real, bytes: stat.size, contentType: CONTENT_TYPES[path.extname(name)] ?? "application/octet-stream" };
}

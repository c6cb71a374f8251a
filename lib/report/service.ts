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
  content: Buffer;
  contentType: string;
}

/**
 * A file of a recorded report, for download. Takes a hash and a name, never a path: the hash must be a recorded
 * report's, the name one of the files recorded for it (and a plain report file name), and what is opened a regular
 * file inside that report's directory, not through a symlink — anything else is "not found".
 */
export function readReportFile(db: Db, dataDir: string, hash: string, name: string): ReportFile {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new PmaError("report_not_found", "no such report");
  const report = findReportByHash(db, hash);
  if (!report) throw new PmaError("report_not_found", `no report ${hash.slice(0, 12)}`);
  const shown = JSON.stringify(name.slice(0, 100));
  if (!REPORT_FILE_NAME.test(name) || !report.files.some((file) => file.name === name)) throw new PmaError("report_file_not_found", `report ${hash.slice(0, 12)} has no file ${shown}`);
  const dir = path.join(dataLayout(dataDir).reports, hash);
  let fd: number;
  try {
    if (!isInside(fs.realpathSync(path.join(dir, name)), fs.realpathSync(dir))) throw new Error("outside");
    fd = fs.openSync(path.join(dir, name), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    throw new PmaError("report_file_not_found", `the file ${shown} of report ${hash.slice(0, 12)} is missing on disk`);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new PmaError("report_file_not_found", `the file ${shown} of report ${hash.slice(0, 12)} is not a regular file`);
    return { report, name, content: fs.readFileSync(fd), contentType: CONTENT_TYPES[path.extname(name)] ?? "application/octet-stream" };
  } finally {
    fs.closeSync(fd);
  }
}

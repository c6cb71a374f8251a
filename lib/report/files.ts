import { PmaError } from "../errors";
import { allFigures, allTables, canonicalJson, type ReportDocument } from "./document";
import { csvRow } from "./escape";
import { renderHtml } from "./render-html";
import { renderMarkdown } from "./render-markdown";
import { renderChartSvg } from "./render-svg";

/**
 * A report's files, by format, in one flat directory (names are single path segments, so a download URL names a
 * file and nothing else):
 *   html  report.html — self-contained
 *   pdf   report.pdf — the HTML printed by headless Chromium
 *   md    report.md, figure-<id>.svg, recipe-<hash>.yaml
 *   csv   table-<id>.csv for every table, report.json (the whole document)
 */
export const REPORT_FORMATS = ["html", "pdf", "md", "csv"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const figureFile = (id: string) => `figure-${id}.svg`;
export const tableFile = (id: string) => `table-${id}.csv`;
export const recipeFile = (hash: string) => `recipe-${hash.slice(0, 12)}.yaml`;

/** A file name the report writer could have produced: what a download may ask for. */
export const REPORT_FILE_NAME = /^(report\.(html|pdf|md|json)|figure-[a-z0-9-]+\.svg|table-[a-z0-9-]+\.csv|recipe-[0-9a-f]{12}\.yaml)$/;

export function parseFormats(text: string | string[] | undefined): ReportFormat[] {
  const items = (Array.isArray(text) ? text : (text ?? REPORT_FORMATS.join(",")).split(","))
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
  const unknown = items.filter((item) => !(REPORT_FORMATS as readonly string[]).includes(item));
  if (unknown.length > 0) throw new PmaError("report_format_unknown", `unknown report format ${unknown.map((u) => JSON.stringify(u)).join(", ")}; use ${REPORT_FORMATS.join(", ")}`);
  if (items.length === 0) throw new PmaError("report_format_unknown", `no report format given; use ${REPORT_FORMATS.join(", ")}`);
  return REPORT_FORMATS.filter((format) => items.includes(format));
}

export interface RenderDeps {
  /** Prints HTML to PDF (headless Chromium in production). */
  printPdf: (html: string) => Promise<Uint8Array>;
}

/** Renders every requested form of the document: file name → bytes (or text). */
export async function renderReportFiles(document: ReportDocument, hash: string, formats: ReportFormat[], deps: RenderDeps): Promise<Map<string, string | Uint8Array>> {
  const files = new Map<string, string | Uint8Array>();
  const figures = allFigures(document);
  const ids = [...figures.map((f) => f.id), ...allTables(document).map((t) => t.id)];
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new PmaError("report_invalid", `two figures or tables share the id "${duplicate}"`);
  const svgs = new Map(figures.map((f) => [f.id, renderChartSvg(f.chart)]));
  const html = formats.includes("html") || formats.includes("pdf") ? renderHtml({ document, hash, svgs }) : null;
  if (formats.includes("html")) files.set("report.html", html!);
  if (formats.includes("pdf")) files.set("report.pdf", await deps.printPdf(html!));
  if (formats.includes("md")) {
    files.set("report.md", renderMarkdown(document, hash, { withData: formats.includes("csv") }));
    for (const [id, svg] of svgs) files.set(figureFile(id), `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    for (const recipe of document.recipes) if (recipe.yaml) files.set(recipeFile(recipe.hash), recipe.yaml);
  }
  if (formats.includes("csv")) {
    for (const table of allTables(document)) {
      files.set(tableFile(table.id), `${[csvRow(table.columns.map((c) => c.label)), ...table.rows.map(csvRow)].join("\r\n")}\r\n`);
    }
    files.set("report.json", `${JSON.stringify({ hash, document: JSON.parse(canonicalJson(document)) }, null, 2)}\n`);
  }
  for (const name of files.keys()) if (!REPORT_FILE_NAME.test(name)) throw new PmaError("report_invalid", `report file name "${name}" is not a plain file name`);
  return files;
}

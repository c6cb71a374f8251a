/**
 * A CSV writer for table exports (RFC 4180: comma-separated, CRLF line ends, text fields in double quotes with
 * `""` for a quote inside). Text is always quoted and numbers never are, so a reader can tell "12" from 12.
 *
 * Spreadsheet formula injection: a text field starting with = + - @ (or a tab or carriage return, which some
 * spreadsheets strip before looking) would run as a formula when the file is opened — a metric or run name
 * imported from elsewhere is enough. Such fields get a leading apostrophe, which spreadsheets show as text.
 * Numbers are written as numbers (a negative delta stays a number).
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return `"${neutraliseFormula(value).replace(/"/g, '""')}"`;
}

export function writeCsv(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

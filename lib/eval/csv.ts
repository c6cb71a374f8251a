import { PmaError } from "../errors";

/**
 * A small RFC 4180 reader: comma-separated, fields optionally double-quoted, `""` for a quote inside quotes,
 * newlines allowed inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark ignored (Excel writes one).
 * Each row carries the line it started on, for error messages.
 */
export interface CsvRow {
  line: number;
  fields: string[];
}

export function parseCsv(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let fields: string[] = [];
  let field = "";
  let rowLine = 1;
  let quoted = false;
  const endField = (): void => {
    fields.push(field);
    field = "";
  };
  const endRow = (): void => {
    endField();
    // A blank line is no row (files often end with one or two).
    if (!(fields.length === 1 && fields[0] === "")) rows.push({ line: rowLine, fields });
    fields = [];
  };
  while (pos < text.length) {
    const c = text[pos];
    if (quoted) {
      if (c === '"') {
        if (text[pos + 1] === '"') {
          field += '"';
          pos += 2;
          continue;
        }
        quoted = false;
        pos++;
        const next = text[pos];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          throw new PmaError("eval_csv_invalid", `${source}: line ${line}: text after a closing quote (quote the whole field, and double any quote inside it)`);
        }
        continue;
      }
      if (c === "\n") line++;
      field += c;
      pos++;
      continue;
    }
    if (c === '"') {
      if (field !== "") throw new PmaError("eval_csv_invalid", `${source}: line ${line}: a quote in the middle of an unquoted field`);
      quoted = true;
      pos++;
    } else if (c === ",") {
      endField();
      pos++;
    } else if (c === "\r" || c === "\n") {
      endRow();
      pos += c === "\r" && text[pos + 1] === "\n" ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += c;
      pos++;
    }
  }
  if (quoted) throw new PmaError("eval_csv_invalid", `${source}: line ${rowLine}: a quoted field is never closed`);
  if (field !== "" || fields.length > 0) endRow();
  return rows;
}

import { stError } from "./errors";

/**
 * A strict, allocation-bounded JSON reader for the safetensors header. We do not use JSON.parse because it
 * silently keeps the last of duplicate keys and rounds integers past 2^53, and because it would build the
 * whole value tree before we could apply any limit. The header parser drives this cursor with the schema in
 * hand, so memory grows only with what the schema accepts (tensor count and rank are capped as we go).
 */
export const MAX_SKIP_DEPTH = 64;

export class JsonCursor {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const at = this.pos < this.text.length ? `at character ${this.pos}` : "at the end of the header";
    throw stError("st_header_not_json", `header is not valid JSON: ${what} ${at}`, { position: this.pos });
  }

  skipWs(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  /** Next non-whitespace character, without consuming it ("" at the end). */
  peek(): string {
    this.skipWs();
    return this.text[this.pos] ?? "";
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  /** Consume `ch` if it is next. */
  accept(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.text.length;
  }

  readString(): string {
    this.expect('"');
    const t = this.text;
    let out = "";
    let start = this.pos;
    let escaped = false;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail("unterminated string");
      if (c === 0x22) break;
      if (c < 0x20) this.fail("control character in string");
      if (c === 0x5c) {
        out += t.slice(start, this.pos);
        out += this.readEscape();
        start = this.pos;
        escaped = true;
        continue;
      }
      this.pos++;
    }
    out += t.slice(start, this.pos);
    this.pos++;
    // A lone surrogate can only come from an escape (the text was decoded from valid UTF-8); the reference
    // parser refuses it and it cannot be written back as UTF-8, so refuse it too.
    if (escaped && /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out)) {
      this.fail("lone surrogate in string");
    }
    return out;
  }

  private readEscape(): string {
    const e = this.text[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case "\\":
        return "\\";
      case "/":
        return "/";
      case "b":
        return "\b";
      case "f":
        return "\f";
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      case "u": {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail("bad escape in string");
    }
  }

  /** The raw text of a JSON number literal, grammar-checked but not converted (so no precision is lost). */
  readNumberRaw(): string {
    this.skipWs();
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.text);
    if (!found) this.fail("bad number");
    this.pos += found[0].length;
    return found[0];
  }

  /** Read and discard any value without building it; nesting is capped so a deep header cannot blow the stack. */
  skipValue(depth = 0): void {
    if (depth > MAX_SKIP_DEPTH) {
      throw stError("st_header_too_deep", `header nests deeper than ${MAX_SKIP_DEPTH} levels`, { position: this.pos });
    }
    const c = this.peek();
    if (c === '"') this.readString();
    else if (c === "{") this.skipContainer("}", depth, true);
    else if (c === "[") this.skipContainer("]", depth, false);
    else if (c === "-" || (c >= "0" && c <= "9")) this.readNumberRaw();
    else this.readLiteral();
  }

  private skipContainer(close: string, depth: number, isObject: boolean): void {
    this.pos++;
    if (this.accept(close)) return;
    do {
      if (isObject) {
        this.readString();
        this.expect(":");
      }
      this.skipValue(depth + 1);
    } while (this.accept(","));
    this.expect(close);
  }

  /** true / false / null; returns the literal's text. */
  readLiteral(): string {
    this.skipWs();
    for (const lit of ["true", "false", "null"]) {
      if (this.text.startsWith(lit, this.pos)) {
        this.pos += lit.length;
        return lit;
      }
    }
    return this.fail("unexpected character");
  }
}

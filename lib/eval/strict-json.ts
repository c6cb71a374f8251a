import { PmaError } from "../errors";

/**
 * A strict reader for JSON that other programs wrote (harness results, command metrics files, the evaluators
 * config). JSON.parse would silently keep the last of two duplicate keys — a metrics file naming `acc` twice
 * must be an error, not a coin toss — and rejects the `NaN` / `Infinity` tokens that Python's json.dumps writes
 * by default (lm-evaluation-harness does, for some stderrs). This parser refuses duplicates, accepts those
 * three tokens as the numbers they mean, and caps nesting depth so a hostile file cannot blow the stack.
 */
export const MAX_JSON_DEPTH = 64;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function parseStrictJson(text: string, source: string, code = "eval_json_invalid"): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    const line = text.slice(0, pos).split("\n").length;
    const where = pos >= text.length ? "at the end of the file (truncated?)" : `at line ${line} (character ${pos})`;
    throw new PmaError(code, `${source}: not valid JSON: ${what} ${where}`, { details: { source, position: pos } });
  };
  const skipWs = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const word = (literal: string, value: JsonValue): JsonValue => {
    if (!text.startsWith(literal, pos)) fail(`unexpected character ${JSON.stringify(text[pos])}`);
    pos += literal.length;
    return value;
  };
  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) fail("control character inside a string");
      pos += c === 0x5c ? 2 : 1;
    }
    pos++;
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail("bad escape in a string");
    }
  };
  const readNumber = (): number => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (!match) {
      if (text.startsWith("-Infinity", pos)) return word("-Infinity", -Infinity) as number;
      return fail("bad number");
    }
    pos += match[0].length;
    return Number(match[0]);
  };
  const readValue = (depth: number): JsonValue => {
    if (depth > MAX_JSON_DEPTH) fail(`nesting deeper than ${MAX_JSON_DEPTH}`);
    skipWs();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const object: { [key: string]: JsonValue } = {};
      const seen = new Set<string>();
      skipWs();
      if (text[pos] === "}") {
        pos++;
        return object;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail("expected a key");
        const key = readString();
        if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
        seen.add(key);
        skipWs();
        if (text[pos] !== ":") fail("expected ':'");
        pos++;
        // defineProperty: a key named __proto__ stays data, never the prototype.
        Object.defineProperty(object, key, { value: readValue(depth + 1), enumerable: true, writable: true, configurable: true });
        skipWs();
        if (text[pos] === ",") pos++;
        else if (text[pos] === "}") {
          pos++;
          return object;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      pos++;
      const array: JsonValue[] = [];
      skipWs();
      if (text[pos] === "]") {
        pos++;
        return array;
      }
      for (;;) {
        array.push(readValue(depth + 1));
        skipWs();
        if (text[pos] === ",") pos++;
        else if (text[pos] === "]") {
          pos++;
          return array;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') return readString();
    if (c === "t") return word("true", true);
    if (c === "f") return word("false", false);
    if (c === "n") return word("null", null);
    if (c === "N") return word("NaN", NaN);
    if (c === "I") return word("Infinity", Infinity);
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return readNumber();
    return fail(c === undefined ? "unexpected end" : `unexpected character ${JSON.stringify(c)}`);
  };
  if (text.charCodeAt(0) === 0xfeff) pos = 1; // a byte-order mark, as some editors write
  const value = readValue(0);
  skipWs();
  if (pos < text.length) fail("trailing characters after the value");
  return value;
}

export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

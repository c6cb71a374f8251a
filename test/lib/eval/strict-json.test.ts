import { describe, expect, it } from "vitest";
import { parseStrictJson } from "../../../lib/eval/strict-json";

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe("parseStrictJson", () => {
  it("reads what JSON.parse reads", () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}}';
    expect(parseStrictJson(text, "t")).toEqual(JSON.parse(text));
  });

  it("refuses duplicate keys, which JSON.parse would silently collapse", () => {
    expect(() => parseStrictJson('{"acc": 1, "acc": 2}', "t.json")).toThrow(/duplicate key "acc"/);
  });

  it("accepts Python's NaN / Infinity tokens as numbers", () => {
    expect(parseStrictJson('[NaN, Infinity, -Infinity]', "t")).toEqual([NaN, Infinity, -Infinity]);
  });

  it("names truncation, trailing garbage and deep nesting", () => {
    expect(() => parseStrictJson('{"results": {"a": 1', "r.json")).toThrow(/r\.json: not valid JSON.*end of the file/);
    expect(code(() => parseStrictJson("{} x", "t"))).toBe("eval_json_invalid");
    expect(code(() => parseStrictJson("[".repeat(100) + "]".repeat(100), "t"))).toBe("eval_json_invalid");
    expect(code(() => parseStrictJson('{"a": 1}', "t", "custom_code") && parseStrictJson("{", "t", "custom_code"))).toBe("custom_code");
  });

  it("keeps a __proto__ key as data", () => {
    const value = parseStrictJson('{"__proto__": {"polluted": 1}}', "t") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });
});

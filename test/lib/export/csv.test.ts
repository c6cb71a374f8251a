import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../../lib/eval/csv";
import { csvField, neutraliseFormula, writeCsv } from "../../../lib/export/csv";

describe("CSV writer", () => {
  it("quotes text, doubles quotes, leaves numbers bare and missing values empty", () => {
    expect(writeCsv(["name", "value"], [["a, \"b\"\nc", -0.25], [null, 3], [true, Number.NaN]])).toBe('"name","value"\r\n"a, ""b""\nc",-0.25\r\n,3\r\n"true",\r\n'.replace('"true"', "true"));
  });

  it.each(["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])("neutralises a formula in %j", (text) => {
    expect(csvField(text).startsWith(`"'`)).toBe(true);
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it("leaves ordinary text and negative numbers alone", () => {
    expect(csvField("heldout/loss")).toBe('"heldout/loss"');
    expect(csvField(-1.5)).toBe("-1.5");
    expect(csvField("a=b")).toBe('"a=b"');
  });

  it("round-trips any table through an RFC 4180 reader (formulas come back with their apostrophe)", () => {
    const value = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null));
    fc.assert(
      // Two columns at least: the reader skips blank lines, and a one-column row of nothing is one.
      fc.property(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { maxLength: 8 }), (header, rows) => {
        const width = header.length;
        const table = rows.map((row) => Array.from({ length: width }, (_, i) => row[i] ?? null));
        const parsed = parseCsv(writeCsv(header, table), "test").map((row) => row.fields);
        const text = (v: string | number | null) => (v === null ? "" : typeof v === "number" ? String(v) : neutraliseFormula(v));
        expect(parsed).toEqual([header.map(text), ...table.map((row) => row.map(text))]);
      }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { parseCsv } from "../../../lib/eval/csv";
import { parseMetricsCsv } from "../../../lib/eval/import-csv";
import { errorOf } from "./helpers";

describe("parseCsv", () => {
  it("handles quotes, doubled quotes, embedded newlines and commas, CRLF and a BOM", () => {
    const text = '\ufeffa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nplain,,end\n';
    expect(parseCsv(text, "t.csv")).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["x, y", 'say "hi"', "two\nlines"] },
      { line: 5, fields: ["plain", "", "end"] },
    ]);
  });

  it("refuses stray quotes and unclosed fields", () => {
    expect(errorOf(() => parseCsv('a,b"c\n', "t.csv")).code).toBe("eval_csv_invalid");
    expect(errorOf(() => parseCsv('"a"b\n', "t.csv")).code).toBe("eval_csv_invalid");
    expect(errorOf(() => parseCsv('a,"b\n', "t.csv")).message).toContain("never closed");
  });
});

describe("parseMetricsCsv", () => {
  it("reads run+step rows and checkpoint-path rows, any column order and case", () => {
    const text = [
      "Metric,Value,Run,Step,stderr,n,higher_is_better,notes",
      "mmlu/acc,0.41,base,4000,0.004,14042,true,first",
      "wiki/ppl,21.5,base,4000,N/A,,false,",
      '"arc/acc,none",0.6,anneal,,,,,"from the ""big"" run"',
    ].join("\n");
    const csv = `${text.split("\n").slice(0, 3).join("\n")}\n`;
    const { rows, warnings } = parseMetricsCsv(csv, "s.csv");
    expect(rows).toEqual([
      { line: 2, target: { run: "base", step: 4000 }, metric: "mmlu/acc", value: 0.41, stderr: 0.004, n: 14042, higherIsBetter: true },
      { line: 3, target: { run: "base", step: 4000 }, metric: "wiki/ppl", value: 21.5, stderr: null, n: null, higherIsBetter: false },
    ]);
    expect(warnings).toEqual(['column "notes" ignored']);
    const byPath = parseMetricsCsv('checkpoint,metric,value\n"/data/run a/step-10",loss,2.5\n', "p.csv");
    expect(byPath.rows[0]).toMatchObject({ target: { checkpoint: "/data/run a/step-10" }, metric: "loss", value: 2.5, stderr: null });
  });

  it("reports every bad row by line, and imports nothing", () => {
    const text = ["run,step,metric,value,stderr,n", "a,1,m,0.5,,", "a,x,m,0.5,,", "a,2,,0.5,,", "a,3,m,abc,,", "a,4,m,1,-1,", "a,5,m,1,,2.5", "a,1,m,0.7,,"].join("\n");
    const error = errorOf(() => parseMetricsCsv(text, "bad.csv")) as { code?: string; message: string; details?: { errors: string[] } };
    expect(error.code).toBe("eval_csv_invalid");
    expect(error.details!.errors.map((e) => e.split(":")[0])).toEqual(["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"]);
    expect(error.message).toContain("line 8: the same checkpoint and metric as line 2");
    expect(error.message).toContain("nothing was imported");
  });

  it("requires a header with metric, value and a target", () => {
    expect(errorOf(() => parseMetricsCsv("", "e.csv")).message).toContain("header row is required");
    expect(errorOf(() => parseMetricsCsv("run,step,value\n", "e.csv")).message).toContain("no metric");
    expect(errorOf(() => parseMetricsCsv("run,metric,value\n", "e.csv")).message).toContain("checkpoint column, or run and step");
    expect(errorOf(() => parseMetricsCsv("checkpoint,metric,value\n", "e.csv")).message).toContain("no data rows");
    expect(errorOf(() => parseMetricsCsv("checkpoint,path,metric,value\n", "e.csv")).message).toContain("appears twice");
  });
});

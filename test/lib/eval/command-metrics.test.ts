import { describe, expect, it } from "vitest";
import { parseCommandMetrics, readCommandMetrics } from "../../../lib/eval/command-metrics";
import { errorOf } from "./helpers";

describe("command metrics contract", () => {
  it("reads the list form", () => {
    const text = JSON.stringify({ metrics: [{ name: "wiki/ppl", value: 21.4, stderr: 0.3, n: 62, higher_is_better: false }, { name: "arc/acc", value: 0.6 }] });
    expect(parseCommandMetrics(text, "m.json")).toEqual([
      { name: "wiki/ppl", value: 21.4, stderr: 0.3, n: 62, higherIsBetter: false },
      { name: "arc/acc", value: 0.6, stderr: null, n: null, higherIsBetter: null },
    ]);
  });

  it("reads the flat form", () => {
    expect(parseCommandMetrics('{"a": 1, "b/c": 0.5}', "m.json").map((m) => [m.name, m.value])).toEqual([
      ["a", 1],
      ["b/c", 0.5],
    ]);
  });

  it.each([
    ["not JSON", "{", "eval_metrics_not_json"],
    ["duplicate keys", '{"a": 1, "a": 2}', "eval_metrics_not_json"],
    ["duplicate names", '{"metrics": [{"name": "a", "value": 1}, {"name": "a", "value": 2}]}', "eval_metric_duplicate"],
    ["a string value", '{"metrics": [{"name": "a", "value": "1"}]}', "eval_metrics_invalid"],
    ["NaN", '{"a": NaN}', "eval_metric_invalid"],
    ["negative stderr", '{"metrics": [{"name": "a", "value": 1, "stderr": -1}]}', "eval_metric_invalid"],
    ["fractional n", '{"metrics": [{"name": "a", "value": 1, "n": 2.5}]}', "eval_metric_invalid"],
    ["unknown field", '{"metrics": [{"name": "a", "value": 1, "sdterr": 1}]}', "eval_metrics_invalid"],
    ["metrics not an array", '{"metrics": 3}', "eval_metrics_invalid"],
    ["extra top-level field", '{"metrics": [], "model": "x"}', "eval_metrics_invalid"],
    ["empty", '{"metrics": []}', "eval_metrics_invalid"],
    ["a control character in a name", '{"a\\nb": 1}', "eval_metric_invalid"],
    ["an array", "[1]", "eval_metrics_invalid"],
  ])("refuses %s", (_, text, code) => {
    expect(errorOf(() => parseCommandMetrics(text, "m.json")).code).toBe(code);
  });

  it("says clearly when the command wrote no file", () => {
    const error = errorOf(() => readCommandMetrics("/nonexistent/metrics.json"));
    expect(error.code).toBe("eval_output_missing");
    expect(error.message).toContain("wrote no metrics file");
  });
});

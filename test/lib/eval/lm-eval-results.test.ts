import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findNewestResultsFile, lmEvalMetricName, parseLmEvalResults, readLmEvalResults, toMetricRecords } from "../../../lib/eval/lm-eval-results";
import { errorOf, FIXTURES, tempDir } from "./helpers";

const HARNESS_DIR = path.join(FIXTURES, "harness-output");
const NA_FILE = path.join(FIXTURES, "eval_2026-05-02T10-11-12.483920.json");

describe("lm-eval results (real 0.4.x format)", () => {
  const results = readLmEvalResults(HARNESS_DIR);
  const byName = new Map(toMetricRecords(results).map((m) => [m.name, m]));

  it("finds the results file the harness nests under the sanitized model name", () => {
    expect(path.basename(path.dirname(results.file))).toBe("__data__ckpt__step-4000");
    expect(results.lmEvalVersion).toBe("0.4.11");
    expect(results.modelName).toBe("/data/ckpt/step-4000");
    expect(results.config).toMatchObject({ model: "hf", batch_size: "8", device: "cuda:0" });
  });

  it("reads every metric with its filter, stderr, direction, n and n-shot", () => {
    const hellaswag = results.metrics.find((m) => m.task === "hellaswag" && m.metric === "acc_norm");
    expect(hellaswag).toEqual({ task: "hellaswag", metric: "acc_norm", filter: "none", value: 0.2642899820752838, stderr: 0.0044005321885504795, higherIsBetter: true, n: 10042, nShot: 0, isGroup: false });
    expect(byName.get("gsm8k/exact_match,strict-match")).toMatchObject({ value: 0, stderr: 0, n: 1319 });
    expect(byName.get("gsm8k/exact_match,flexible-extract")).toMatchObject({ value: 0.000758150113722517, higherIsBetter: true });
    expect(results.metrics.find((m) => m.task === "gsm8k")!.nShot).toBe(5);
  });

  it("reports groups once, marked, with n summed over their leaves", () => {
    const mmlu = results.metrics.filter((m) => m.task === "mmlu");
    expect(mmlu).toHaveLength(1);
    expect(mmlu[0]).toMatchObject({ isGroup: true, value: 0.27529761904761907, n: 100 + 135 + 126 + 311, nShot: null, higherIsBetter: true });
    expect(results.metrics.find((m) => m.task === "mmlu_stem")).toMatchObject({ isGroup: true, n: 235 });
    expect(results.metrics.find((m) => m.task === "mmlu_anatomy")).toMatchObject({ isGroup: false, n: 135 });
    expect(results.metrics).toHaveLength(2 + 2 + 3 + 4 + 2);
    expect(results.warnings).toEqual([]);
  });

  it('records "N/A" stderr as unknown and keeps lower-is-better directions', () => {
    const na = readLmEvalResults(NA_FILE);
    const wikitext = na.metrics.filter((m) => m.task === "wikitext");
    expect(wikitext.map((m) => [m.metric, m.stderr, m.higherIsBetter, m.n])).toEqual([
      ["word_perplexity", null, false, 62],
      ["byte_perplexity", null, false, 62],
      ["bits_per_byte", null, false, 62],
    ]);
    expect(na.metrics.find((m) => m.task === "mmlu")).toMatchObject({ stderr: null, isGroup: true, n: 61 });
    expect(na.metrics.find((m) => m.task === "mmlu_astronomy")!.n).toBe(40); // effective, after --limit
    expect(na.lmEvalVersion).toBeNull();
  });

  it("prefers a group's sample_count, and accepts NaN stderr as unknown", () => {
    const text = JSON.stringify({
      results: { t: { "acc,none": 0.5, "acc_stderr,none": 0.1 } },
      groups: { g: { "acc,none": 0.4, "acc_stderr,none": 0.2, sample_count: { "acc,none": 77 } } },
      "n-samples": { t: { original: 9, effective: 9 } },
    }).replace("0.1", "NaN");
    const parsed = parseLmEvalResults(text, "x.json");
    expect(parsed.metrics.find((m) => m.task === "g")!.n).toBe(77);
    expect(parsed.metrics.find((m) => m.task === "t")!.stderr).toBeNull();
  });

  it("recognises a group listed only in results, by its subtasks", () => {
    const text = JSON.stringify({
      results: { mmlu: { "acc,none": 0.3, "acc_stderr,none": 0.01 }, mmlu_a: { "acc,none": 0.2 }, mmlu_b: { "acc,none": 0.4 } },
      group_subtasks: { mmlu: ["mmlu_a", "mmlu_b"], mmlu_a: [], mmlu_b: [] },
      "n-samples": { mmlu_a: { original: 10, effective: 10 }, mmlu_b: { original: 30, effective: 20 } },
    });
    const parsed = parseLmEvalResults(text, "old.json");
    expect(parsed.metrics.find((m) => m.task === "mmlu")).toMatchObject({ isGroup: true, n: 30 });
    expect(parsed.metrics.find((m) => m.task === "mmlu_b")).toMatchObject({ isGroup: false, n: 20, stderr: null });
  });

  it("skips non-numeric values with a warning instead of inventing one", () => {
    const parsed = parseLmEvalResults(JSON.stringify({ results: { t: { "acc,none": 0.5, "f1,none": "N/A", "bleu,none": [1, 2], sample_len: 3 } } }), "x.json");
    expect(parsed.metrics.map((m) => m.metric)).toEqual(["acc"]);
    expect(parsed.warnings).toHaveLength(2);
  });

  it("names metrics <task>/<metric> with the filter only when it is not 'none'", () => {
    expect(lmEvalMetricName({ task: "mmlu", metric: "acc", filter: "none" })).toBe("mmlu/acc");
    expect(lmEvalMetricName({ task: "gsm8k", metric: "exact_match", filter: "strict-match" })).toBe("gsm8k/exact_match,strict-match");
  });
});

describe("lm-eval results: bad input", () => {
  const realText = fs.readFileSync(NA_FILE, "utf8");

  it("partial (truncated) JSON", () => {
    const error = errorOf(() => parseLmEvalResults(realText.slice(0, realText.length / 2), "cut.json"));
    expect(error.code).toBe("eval_results_not_json");
    expect(error.message).toContain("cut.json");
  });

  it("duplicate keys", () => {
    expect(errorOf(() => parseLmEvalResults('{"results": {"t": {"acc,none": 0.1, "acc,none": 0.9}}}', "d.json")).code).toBe("eval_results_not_json");
  });

  it("wrong shapes", () => {
    expect(errorOf(() => parseLmEvalResults("[]", "x")).code).toBe("eval_results_malformed");
    expect(errorOf(() => parseLmEvalResults('{"versions": {}}', "x")).message).toContain('"results" is missing');
    expect(errorOf(() => parseLmEvalResults('{"results": {"t": 3}}', "x")).message).toContain('task "t"');
    expect(errorOf(() => parseLmEvalResults('{"results": {"t": {"acc": 0.5}}}', "x")).message).toContain("0.3 file");
    expect(errorOf(() => parseLmEvalResults('{"results": {}, "groups": []}', "x")).message).toContain('"groups" is not an object');
  });

  it("no results file under the output directory", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "model"));
    fs.writeFileSync(path.join(dir, "model", "samples_x.jsonl"), "");
    expect(errorOf(() => findNewestResultsFile(dir)).code).toBe("eval_results_missing");
    expect(errorOf(() => readLmEvalResults(path.join(dir, "nope"))).code).toBe("eval_results_missing");
  });

  it("picks the newest of several results files by the timestamp in the name", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "m"));
    for (const stamp of ["2026-05-01T10-00-00.000001", "2026-05-03T09-00-00.000001", "2026-05-02T23-59-59.999999"]) {
      fs.writeFileSync(path.join(dir, "m", `results_${stamp}.json`), "{}");
    }
    expect(path.basename(findNewestResultsFile(dir))).toBe("results_2026-05-03T09-00-00.000001.json");
  });
});

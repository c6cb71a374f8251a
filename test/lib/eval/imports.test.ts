import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../db/client";
import { listLatestMetrics, listMetricsOfEvaluation } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import type { Config } from "../../../lib/env";
import { importLmEvalResults, importMetricsCsv } from "../../../lib/eval/imports";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { errorOf, FIXTURES } from "./helpers";

const tiny = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
const RESULTS = path.join(FIXTURES, "harness-output", "__data__ckpt__step-4000", "results_2026-04-29T08-20-36.619114.json");
const NA_RESULTS = path.join(FIXTURES, "eval_2026-05-02T10-11-12.483920.json");
const file = (p: string) => ({ name: p, bytes: fs.readFileSync(p) });
const csv = (name: string, text: string) => ({ name, bytes: Buffer.from(text) });

describe("imports attach scores to registered checkpoints", () => {
  let db: Db;
  let config: Config;
  let runDir: string;

  beforeAll(async () => {
    const base = makeTempDir("pma-import-");
    const dataDir = path.join(base, "data");
    runDir = path.join(base, "ckpt", "anneal");
    config = { dataDir, databasePath: path.join(dataDir, "db.sqlite"), roots: [dataDir, path.join(base, "ckpt")] };
    db = openDatabase(config.databasePath);
    for (const step of [100, 200]) await writeCheckpoint(path.join(runDir, `checkpoint-${step}`), { tensors: tiny, seed: step });
    await registerCheckpoints(db, config, { directory: runDir, run: "anneal", tokensPerStep: 1000 });
  });

  it("imports an lm-eval results file by checkpoint path, keeps the raw file, and a second import has no effect", () => {
    const checkpoint = path.join(runDir, "checkpoint-200");
    const [first] = importLmEvalResults(db, config.dataDir, [file(RESULTS)], { checkpoint });
    expect(first).toMatchObject({ duplicate: false, metrics: 13 });
    const stored = listMetricsOfEvaluation(db, first.evaluationId);
    expect(stored.find((m) => m.name === "mmlu/acc")).toMatchObject({ value: 0.27529761904761907, n: 672, higherIsBetter: true });
    expect(stored.find((m) => m.name === "gsm8k/exact_match,flexible-extract")!.stderr).toBeCloseTo(0.000758, 6);
    const kept = fs.readdirSync(path.join(config.dataDir, "imports"));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(config.dataDir, "imports", kept[0]))).toEqual(fs.readFileSync(RESULTS));

    const [again] = importLmEvalResults(db, config.dataDir, [file(RESULTS)], { run: "anneal", step: 200 });
    expect(again).toMatchObject({ duplicate: true, evaluationId: first.evaluationId });
    expect(listMetricsOfEvaluation(db, first.evaluationId)).toHaveLength(13);
  });

  it('records "N/A" stderr as null', () => {
    const [imported] = importLmEvalResults(db, config.dataDir, [file(NA_RESULTS)], { run: "anneal", step: 100 });
    const stored = listMetricsOfEvaluation(db, imported.evaluationId);
    expect(stored.find((m) => m.name === "wikitext/word_perplexity")).toMatchObject({ stderr: null, higherIsBetter: false, n: 62 });
  });

  it("refuses unregistered checkpoints, and imports nothing", () => {
    expect(errorOf(() => importLmEvalResults(db, config.dataDir, [file(RESULTS)], { checkpoint: "/nowhere/step-1" })).code).toBe("eval_checkpoint_unregistered");
    expect(errorOf(() => importLmEvalResults(db, config.dataDir, [file(RESULTS)], { run: "anneal", step: 300 })).message).toContain("no checkpoint at step 300 (it has steps 100 … 200)");
    expect(errorOf(() => importLmEvalResults(db, config.dataDir, [file(RESULTS)], { run: "nope", step: 1 })).message).toContain('no run named "nope"');
    const text = "run,step,metric,value\nanneal,100,arc/acc,0.5\nanneal,999,arc/acc,0.6\nghost,1,arc/acc,0.7\n";
    const error = errorOf(() => importMetricsCsv(db, config.dataDir, csv("bad.csv", text)));
    expect(error.code).toBe("eval_import_refused");
    expect(error.message).toContain("line 3");
    expect(error.message).toContain("line 4");
    expect(listLatestMetrics(db, { checkpointIds: [1, 2] }).some((m) => m.name === "arc/acc")).toBe(false);
  });

  it("imports a CSV for several checkpoints at once, idempotently", () => {
    const text = [
      "run,step,checkpoint,metric,value,stderr,n,higher_is_better",
      "anneal,100,,hellaswag/acc,0.31,0.004,10042,true",
      `,,"${path.join(runDir, "checkpoint-200")}",hellaswag/acc,0.33,0.004,10042,true`,
      "anneal,200,,train/loss,2.91,,,false",
    ].join("\n");
    const { imported } = importMetricsCsv(db, config.dataDir, csv("scores.csv", text));
    expect(imported.map((i) => [i.metrics, i.duplicate])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(importMetricsCsv(db, config.dataDir, csv("scores.csv", text)).imported.every((i) => i.duplicate)).toBe(true);
    const latest = listLatestMetrics(db, { checkpointIds: [imported[1].checkpointId] });
    expect(latest.find((m) => m.name === "train/loss")).toMatchObject({ value: 2.91, higherIsBetter: false, evaluator: "import:csv" });
  });

  it("refuses one metric for one checkpoint named two ways in a CSV", () => {
    const text = `run,step,checkpoint,metric,value\nanneal,100,,x,1\n,,"${path.join(runDir, "checkpoint-100")}",x,2\n`;
    expect(errorOf(() => importMetricsCsv(db, config.dataDir, csv("twice.csv", text))).message).toContain("already on line 2");
  });
});

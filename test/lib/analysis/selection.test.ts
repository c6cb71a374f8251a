import { describe, expect, it } from "vitest";
import { parseSelectionRequest, rankMetrics, resolveSelection, type RunScores } from "../../../lib/analysis";
import { fixtureRun } from "./fixture";

const data = fixtureRun();

describe("chart selection from the URL", () => {
  it("parses metric, scheme, N and V, ignoring malformed numbers", () => {
    expect(parseSelectionRequest({ metric: "loss", scheme: "ema:0.1", n: "4", v: "8000000000" })).toEqual({ metric: "loss", scheme: "ema:0.1", n: 4, interval: 8e9 });
    expect(parseSelectionRequest({ n: "four", v: ["1", "2"], metric: "  " })).toEqual({ metric: undefined, scheme: undefined, n: undefined, interval: undefined });
  });

  it("offers metrics the merges are scored on first, composites ahead", () => {
    const withOverall: RunScores = { ...data, metrics: [...data.metrics, { name: "overall", higherIsBetter: true, composite: true }], cells: data.cells.map((c) => ({ ...c, scores: { ...c.scores, overall: { value: 1, stderr: null, n: null } } })) };
    expect(rankMetrics(withOverall).map((m) => m.name)).toEqual(["overall", "acc", "loss", "mystery"]);
  });

  it("shows what was asked for when the data has it", () => {
    expect(resolveSelection(data, { metric: "loss", scheme: "wma" })).toEqual({ metric: expect.objectContaining({ name: "loss" }), config: { scheme: "wma", n: 2, interval: 10 }, notes: [] });
  });

  it("says so when it shows something else", () => {
    const unknownMetric = resolveSelection(data, { metric: "bleu" });
    expect(unknownMetric.metric?.name).toBe("acc");
    expect(unknownMetric.notes).toEqual(['Nothing here is scored on "bleu"; showing acc.']);
    const unknownConfig = resolveSelection(data, { metric: "loss", scheme: "ema:0.1", n: 3 });
    expect(unknownConfig.config).toEqual({ scheme: "sma", n: 2, interval: 10 });
    expect(unknownConfig.notes).toEqual(["No merge scored on loss matches ema:0.1, N=3; showing SMA · N=2 · V=10."]);
  });

  it("has nothing to select without scores", () => {
    expect(resolveSelection({ ...data, metrics: [], cells: [] }, {})).toEqual({ metric: null, config: null, notes: [] });
  });
});

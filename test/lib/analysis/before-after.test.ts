import { describe, expect, it } from "vitest";
import { beforeAfter, mergeMetricInfos, pickRunMerge, type RunMerge, type RunScores } from "../../../lib/analysis";
import { cell, checkpoint, fixtureRun, loss, metrics } from "./fixture";

describe("pickRunMerge", () => {
  const data = fixtureRun();

  it("takes the latest T with a scored merge and a scored baseline, SMA, then the largest N, then the smallest V", () => {
    // T = 80 has only sma/2/10 scored, and the baseline checkpoint at 80 is scored.
    expect(pickRunMerge(data)).toMatchObject({ config: { scheme: "sma", n: 2, interval: 10 }, point: 80, checkpoint: { tokens: 80 }, before: loss(3.05), after: loss(2.6) });
    expect(pickRunMerge(data, { scheme: "wma" })).toMatchObject({ config: { scheme: "wma" }, point: 60 });
    expect(pickRunMerge(data, { n: 3 })).toMatchObject({ config: { n: 3 }, point: 60 });
    const at40 = { ...data, cells: data.cells.filter((c) => c.point === 40) };
    expect(pickRunMerge(at40)).toMatchObject({ config: { scheme: "sma", n: 3, interval: 10 }, point: 40 });
  });

  it("never compares with an older scored checkpoint when the one at T is not scored", () => {
    const at75: RunScores = { ...data, cells: [cell("sma", 2, 10, 75, loss(2.9))] };
    expect(pickRunMerge(at75)).toEqual({ run: "main", params: 1000, reason: "no scored merge with a scored checkpoint at the same T" });
    expect(pickRunMerge(data, { scheme: "ema:0.2", n: 4 })).toMatchObject({ reason: "no scored merge matching ema:0.2 · N=4 with a scored checkpoint at the same T" });
  });
});

describe("beforeAfter", () => {
  const merge = (run: string, params: number | null, before: number, after: number): RunMerge => ({
    run,
    params,
    config: { scheme: "sma", n: 4, interval: 1e9 },
    point: 2e11,
    checkpoint: { step: 100, tokens: 2e11 },
    before: { acc: { value: before, stderr: 0.01, n: 500 } },
    after: { acc: { value: after, stderr: 0.01, n: 500 } },
  });

  it("one panel per scored metric, runs from the smallest model up, gains in the metric's direction", () => {
    const panels = beforeAfter([merge("big", 1e10, 0.543, 0.616), merge("unknown-size", null, 0.3, 0.29), merge("small", 1.3e9, 0.311, 0.366)], metrics);
    expect(panels.map((p) => p.metric.name)).toEqual(["acc"]);
    expect(panels[0].rows.map((r) => [r.run, Number(r.delta!.toFixed(6)), r.improved])).toEqual([
      ["small", 0.055, true],
      ["big", 0.073, true],
      ["unknown-size", -0.01, false],
    ]);
    expect(panels[0].rows[0].merge).toBe("SMA · N=4 · V=1B at 200B");
  });

  it("a run without the metric shows an empty row, not a zero", () => {
    const lossOnly: RunMerge = { ...merge("l", 5, 0, 0), before: loss(3), after: loss(2.5) };
    const panels = beforeAfter([merge("a", 1, 0.5, 0.6), lossOnly], metrics);
    const acc = panels.find((p) => p.metric.name === "acc")!;
    expect(acc.rows[1]).toMatchObject({ run: "l", before: null, after: null, delta: null, improved: null });
    expect(panels.find((p) => p.metric.name === "loss")!.rows[1]).toMatchObject({ delta: -0.5, improved: true });
  });
});

describe("mergeMetricInfos", () => {
  it("keeps one entry per name, a stated direction over an unknown one, composites last", () => {
    const merged = mergeMetricInfos([
      [{ name: "b", higherIsBetter: null, composite: false }, { name: "overall", higherIsBetter: true, composite: true }],
      [{ name: "b", higherIsBetter: true, composite: false }, { name: "a", higherIsBetter: false, composite: false }],
    ]);
    expect(merged.map((m) => [m.name, m.higherIsBetter])).toEqual([
      ["a", false],
      ["b", true],
      ["overall", true],
    ]);
  });
});

it("the fixture's checkpoints are tokens-ordered (guards the tests above)", () => {
  expect(fixtureRun().checkpoints.map((c) => c.tokens)).toEqual([...fixtureRun().checkpoints.map((c) => c.tokens)].sort((a, b) => a - b));
  expect(checkpoint(30).step).toBe(3);
});

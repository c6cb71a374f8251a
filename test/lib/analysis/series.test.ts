import { describe, expect, it } from "vitest";
import { annealedSeries, configLabel, latestAt, latestSeries, listConfigAxes, listConfigs, mergeSeries, pickConfig, schemeLabel, scoreVsTokens } from "../../../lib/analysis";
import { fixtureRun } from "./fixture";

const data = fixtureRun();
const sma = { scheme: "sma", n: 2, interval: 10 };

describe("configurations", () => {
  it("labels schemes the way the paper does", () => {
    expect(["sma", "wma", "ema:0.2", "ema:0.2:closed", "custom:1/2:raw"].map(schemeLabel)).toEqual(["SMA", "WMA", "EMA α=0.2", "EMA α=0.2 closed", "custom 1/2 raw"]);
    expect(configLabel({ scheme: "ema:0.1", n: 8, interval: 40_960 })).toBe("EMA α=0.1 · N=8 · V=41K");
  });

  it("lists each grid axis in display order", () => {
    expect(listConfigAxes(data.cells)).toEqual({ schemes: ["sma", "wma", "ema:0.1"], ns: [2, 3], intervals: [10, 20], points: [40, 60, 80] });
    expect(listConfigs(data.cells).map((c) => `${c.scheme}/${c.n}/${c.interval}`)).toEqual(["sma/2/10", "sma/2/20", "sma/3/10", "wma/2/10", "ema:0.1/2/10"]);
  });

  it("opens on the configuration with the most scored merge points, SMA first", () => {
    expect(pickConfig(data.cells, "loss")).toEqual(sma);
    // Two points each for sma/3/10 and wma/2/10: SMA wins the tie.
    expect(pickConfig(data.cells, "loss", { n: 3 })).toEqual({ scheme: "sma", n: 3, interval: 10 });
    expect(pickConfig(data.cells, "loss", { scheme: "wma" })).toEqual({ scheme: "wma", n: 2, interval: 10 });
    expect(pickConfig(data.cells, "acc")).toEqual(sma);
    expect(pickConfig(data.cells, "nothing")).toBeNull();
    expect(pickConfig(data.cells, "loss", { scheme: "ema:0.1", n: 3 })).toBeNull();
  });
});

describe("score series", () => {
  it("takes the latest checkpoint at T whether or not it is scored", () => {
    expect(latestAt(data.checkpoints, 75)?.tokens).toBe(70);
    expect(latestAt(data.checkpoints, 80)?.tokens).toBe(80);
    expect(latestAt(data.checkpoints, 5)).toBeNull();
  });

  it("plots every scored checkpoint, one configuration's merges, and each branch from its fork", () => {
    expect(latestSeries(data.checkpoints, "loss").points.map((p) => [p.tokens, p.value])).toEqual([
      [20, 3.6],
      [40, 3.3],
      [50, 3.2],
      [60, 3.0],
      [80, 3.05],
    ]);
    expect(latestSeries(data.checkpoints, "loss").points[1].stderr).toBe(0.02);
    expect(mergeSeries(data.cells, "loss", sma)).toMatchObject({ key: "sma|2|10", label: "SMA · N=2 · V=10", role: "merged" });
    expect(mergeSeries(data.cells, "loss", sma).points.map((p) => p.tokens)).toEqual([40, 60, 80]);
    // The parent's checkpoint at the fork (3.3 at 40) opens the annealed line.
    expect(annealedSeries(data.annealed[1], "loss", data.checkpoints).points.map((p) => [p.tokens, p.value])).toEqual([
      [40, 3.3],
      [50, 3.1],
      [60, 3.0],
    ]);
  });
});

describe("scoreVsTokens", () => {
  it("measures the merge's gain at each T in the metric's direction", () => {
    const result = scoreVsTokens(data, "loss", sma);
    expect(result.metric.higherIsBetter).toBe(false);
    expect(result.gains.map((g) => [g.point, g.latest, Number(g.delta.toFixed(6)), g.improved])).toEqual([
      [40, 3.3, -0.2, true],
      [60, 3.0, -0.3, true],
      [80, 3.05, -0.45, true],
    ]);
    expect(result.annealed.map((s) => s.label)).toEqual(["anneal-60", "anneal-40", "anneal-80", "anneal-50"]);
  });

  it("reads a higher-is-better metric upwards, and an unknown direction as unknown", () => {
    expect(scoreVsTokens(data, "acc", sma).gains).toEqual([{ point: 40, merged: 0.55, latest: 0.5, delta: expect.closeTo(0.05, 12), improved: true }]);
    const mystery = { ...data, cells: [{ ...data.cells[0], scores: { mystery: { value: 2, stderr: null, n: null } } }], checkpoints: [{ ...data.checkpoints[3], scores: { mystery: { value: 1, stderr: null, n: null } } }] };
    expect(scoreVsTokens(mystery, "mystery", sma).gains[0].improved).toBeNull();
  });

  it("has no merged series without a configuration", () => {
    expect(scoreVsTokens(data, "loss", null)).toMatchObject({ merged: null, gains: [] });
  });
});

import { describe, expect, it } from "vitest";
import { comparisonPanel } from "../../../lib/analysis";
import { fixtureRun, metrics } from "./fixture";

const data = fixtureRun();
const sma = { scheme: "sma", n: 2, interval: 10 };
const pairs = (points: { tokens: number; value: number }[]) => points.map((p) => [p.tokens, p.value]);

describe("comparison panels", () => {
  it("compares schemes at fixed N and V, and names the best at each T (lower loss wins)", () => {
    const panel = comparisonPanel(data, "loss", "scheme", sma);
    expect(panel.fixed).toEqual({ n: 2, interval: 10 });
    expect(panel.series.map((s) => s.label)).toEqual(["SMA", "WMA", "EMA α=0.1"]);
    expect(pairs(panel.series[1].points)).toEqual([
      [40, 3.0],
      [60, 2.75],
    ]);
    // T = 80 has a single scheme: no contest, no winner.
    expect(panel.winners).toEqual([
      { point: 40, key: "wma|2|10", label: "WMA", value: 3.0 },
      { point: 60, key: "sma|2|10", label: "SMA", value: 2.7 },
    ]);
    expect(panel.baseline.role).toBe("latest");
  });

  it("varies N at fixed scheme and V, and V at fixed scheme and N, dropping settings with no score", () => {
    const n = comparisonPanel(data, "loss", "n", sma);
    expect(n.series.map((s) => s.label)).toEqual(["N=2", "N=3"]);
    expect(n.winners).toEqual([
      { point: 40, key: "sma|2|10", label: "N=2", value: 3.1 },
      { point: 60, key: "sma|3|10", label: "N=3", value: 2.65 },
    ]);
    const v = comparisonPanel(data, "loss", "interval", sma);
    expect(v.series.map((s) => [s.label, s.points.length])).toEqual([
      ["V=10", 3],
      ["V=20", 1],
    ]);
  });

  it("picks the highest value for a higher-is-better metric and no winner when the direction is unknown", () => {
    const flipped = { ...data, metrics: metrics.map((m) => (m.name === "loss" ? { ...m, higherIsBetter: true } : m)) };
    expect(comparisonPanel(flipped, "loss", "scheme", sma).winners.map((w) => w.label)).toEqual(["EMA α=0.1", "WMA"]);
    const unknown = { ...data, metrics: [] };
    expect(comparisonPanel(unknown, "loss", "scheme", sma).winners).toEqual([]);
  });
});

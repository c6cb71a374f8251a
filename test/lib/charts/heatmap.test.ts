import { describe, expect, it } from "vitest";
import { buildHeatmapOption, colourRange, heatmapColors, heatmapTooltip, missingReason, type HeatmapCell, type HeatmapInput } from "../../../lib/charts/heatmap";

const M = 1_000_000;

function cell(n: number, interval: number, value: number | null, delta: number | null, extra: Partial<HeatmapCell> = {}): HeatmapCell {
  return {
    n,
    interval,
    status: value === null ? "queued" : "done",
    reason: null,
    metric: value === null ? null : { value, stderr: 0.01, deltaVsCheckpoint: delta, deltaVsAnnealed: null },
    checkpoints: [{ step: 100, tokens: 4 * M, weight: 0.5 }, { step: 200, tokens: 8 * M, weight: 0.5 }],
    ...extra,
  };
}

function input(higherIsBetter: boolean | null, mode: "delta" | "value" = "delta"): HeatmapInput {
  return {
    metric: "heldout/loss",
    higherIsBetter,
    mode,
    scheme: "sma",
    point: 8 * M,
    ns: [2, 4],
    intervals: [M, 2 * M],
    cells: [
      cell(2, M, 2.5, -0.2),
      cell(2, 2 * M, 2.9, 0.1),
      cell(4, M, null, null),
      cell(4, 2 * M, null, null, { status: "infeasible", reason: "no checkpoint at −1M tokens" }),
    ],
  };
}

type Series = { type: string; data: number[][]; label: { formatter: (p: { data: number[] }) => string } };
const seriesOf = (option: ReturnType<typeof buildHeatmapOption>) => option.series as unknown as Series[];
const visualMapOf = (option: ReturnType<typeof buildHeatmapOption>) =>
  (option.visualMap as unknown[])[0] as { min: number; max: number; text: string[]; inRange: { color: string[] }; formatter: (v: number) => string; seriesIndex: number; dimension: number };

describe("N × V heatmap option", () => {
  it("puts valued cells on the colour scale and marks the others", () => {
    const option = buildHeatmapOption(input(false));
    const [valued, missing] = seriesOf(option);
    expect(valued.data.map((d) => [d[0], d[1], d[3]])).toEqual([
      [0, 0, -0.2],
      [1, 0, 0.1],
    ]);
    expect(missing.data.map((d) => [d[0], d[1]])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(missing.data.map((d) => missing.label.formatter({ data: d }))).toEqual(["…", "×"]);
    expect(visualMapOf(option)).toMatchObject({ seriesIndex: 0, dimension: 2 });
    expect((option.xAxis as { data: string[] }).data).toEqual(["1M", "2M"]);
    expect((option.yAxis as { data: string[] }).data).toEqual(["2", "4"]);
  });

  it("orients the colour scale so better is green whichever way the metric points", () => {
    // A loss went down by 0.2: better. An accuracy down by 0.2: worse. Same delta, opposite colour ends.
    const loss = seriesOf(buildHeatmapOption(input(false)))[0].data[0][2];
    const accuracy = seriesOf(buildHeatmapOption(input(true)))[0].data[0][2];
    expect(loss).toBeGreaterThan(0);
    expect(accuracy).toBeLessThan(0);
    const scale = visualMapOf(buildHeatmapOption(input(false)));
    expect(scale.inRange.color).toEqual([heatmapColors.worse, heatmapColors.neutral, heatmapColors.better]);
    expect(scale.text).toEqual(["−0.2 better", "worse +0.2"]);
    // The legend prints the delta itself, not its oriented value.
    expect(scale.formatter(0.2)).toBe("−0.2");
  });

  it("centres deltas on zero and spans raw values", () => {
    expect(colourRange(input(false))).toEqual({ min: -0.2, max: 0.2 });
    expect(colourRange(input(true, "value"))).toEqual({ min: 2.5, max: 2.9 });
    expect(colourRange(input(false, "value"))).toEqual({ min: -2.9, max: -2.5 });
  });

  it("uses a neutral ramp that says 'higher' when the direction is unknown", () => {
    const scale = visualMapOf(buildHeatmapOption(input(null)));
    expect(scale.text).toEqual(["+0.2 higher", "lower −0.2"]);
    expect(scale.inRange.color).toEqual([...heatmapColors.unknown]);
  });

  it("labels cells with the shown number: signed deltas, plain values", () => {
    const delta = seriesOf(buildHeatmapOption(input(false)))[0];
    expect(delta.data.map((d) => delta.label.formatter({ data: d }))).toEqual(["−0.2", "+0.1"]);
    const value = seriesOf(buildHeatmapOption(input(false, "value")))[0];
    expect(value.data.map((d) => value.label.formatter({ data: d }))).toEqual(["2.5", "2.9"]);
  });

  it("explains each cell in its tooltip: value ± stderr, deltas, the merged checkpoints, or why it has none", () => {
    const data = input(false);
    const text = heatmapTooltip(data, data.cells[0], 2, M);
    expect(text).toContain("N = 2 · V = 1M · T = 8M");
    expect(text).toContain("heldout/loss: 2.5 ± 0.01");
    expect(text).toContain("Δ vs latest checkpoint: −0.2");
    expect(text).toContain("Δ vs annealed: —");
    expect(text).toContain("step 100 (4M) × 0.5, step 200 (8M) × 0.5");
    expect(heatmapTooltip(data, data.cells[3], 4, 2 * M)).toContain("infeasible: no checkpoint at −1M tokens");
    expect(missingReason(data.cells[2], "delta").text).toBe("not scored yet (queued)");
    expect(missingReason(cell(2, M, 2.5, null), "delta").mark).toBe("—");
    expect(missingReason(undefined, "value").text).toBe("not in this sweep");
  });
});

import { describe, expect, it } from "vitest";
import { buildTimelineOption, hasTimelineData, timelineAxis, type TimelineInput } from "../../../lib/charts/timeline";

const log = (values: number[], every = 10) => values.map((value, i) => ({ step: i * every, tokens: null, value }));

const input: TimelineInput = {
  tokensPerStep: 1000,
  schedule: { warmupEnd: 10, stableEnd: 40, decayEnd: 50 },
  loss: log([5, 4, 3.5, 3.2, 3.1, 2.9]),
  lr: log([0, 3e-4, 3e-4, 3e-4, 3e-4, 1e-5]),
  checkpoints: [
    { step: 20, tokens: null, lr: 3e-4, phase: "stable" },
    { step: 40, tokens: 40_000, lr: 3e-4, phase: "stable" },
  ],
  branches: [{ name: "anneal-20", forkTokens: 20_000, tokensPerStep: null, loss: [{ step: 30, tokens: null, value: 3.0 }] }],
};

type Series = { name?: string; type?: string; data?: unknown[]; yAxisIndex?: number; markArea?: { data: unknown[] }; markLine?: { data: unknown[] } };
const seriesOf = (option: ReturnType<typeof buildTimelineOption>) => option.series as Series[];
const byName = (option: ReturnType<typeof buildTimelineOption>, name: string) => seriesOf(option).find((s) => s.name === name);

describe("buildTimelineOption", () => {
  const option = buildTimelineOption(input);

  it("plots loss on the left axis and LR on the right, against tokens", () => {
    expect(byName(option, "loss")).toMatchObject({ type: "line", yAxisIndex: 0 });
    expect(byName(option, "loss")?.data?.[1]).toEqual([10_000, 4]);
    expect(byName(option, "LR")).toMatchObject({ type: "line", yAxisIndex: 1 });
    expect(option.xAxis).toMatchObject({ type: "value", name: "tokens" });
  });

  it("marks every checkpoint on the loss curve", () => {
    const marks = byName(option, "checkpoints");
    expect(marks?.type).toBe("scatter");
    expect((marks?.data as { value: number[] }[]).map((d) => d.value)).toEqual([
      [20_000, 3.5],
      [40_000, 3.1],
    ]);
  });

  it("draws one band per phase from the schedule", () => {
    const bands = byName(option, "phases")?.markArea?.data as [{ name: string; xAxis: number }, { xAxis: number }][];
    expect(bands.map(([from, to]) => [from.name, from.xAxis, to.xAxis])).toEqual([
      ["warmup", 0, 10_000],
      ["stable", 10_000, 40_000],
      ["decay", 40_000, 50_000],
    ]);
  });

  it("gives each branch its own labelled series with its fork point", () => {
    const branch = byName(option, "anneal-20");
    expect(branch?.data).toEqual([[30_000, 3.0]]);
    expect(branch?.markLine?.data).toEqual([{ xAxis: 20_000 }]);
    expect((option.legend as { data: string[] }).data).toContain("anneal-20");
  });

  it("has a data zoom on the token axis", () => {
    expect((option.dataZoom as { type: string }[]).map((z) => z.type)).toEqual(["inside", "slider"]);
  });

  it("falls back to the checkpoints' LR and puts marks on the LR axis without a training log", () => {
    const bare = buildTimelineOption({ ...input, loss: [], lr: [], branches: [] });
    expect(byName(bare, "LR")?.data).toEqual([
      [20_000, 3e-4],
      [40_000, 3e-4],
    ]);
    expect(byName(bare, "checkpoints")?.yAxisIndex).toBe(1);
  });

  it("uses a step axis only when nothing can be placed on tokens", () => {
    const stepsOnly: TimelineInput = { ...input, tokensPerStep: null, checkpoints: [{ step: 20, tokens: null, lr: null, phase: null }], branches: [] };
    expect(timelineAxis(stepsOnly)).toBe("step");
    expect(byName(buildTimelineOption(stepsOnly), "loss")?.data?.[1]).toEqual([10, 4]);
  });

  it("formats the tooltip with tokens and LR in their own notation", () => {
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([
      { seriesName: "loss", value: [20_000, 3.5], axisValue: 20_000, marker: "" },
      { seriesName: "LR", value: [20_000, 3e-4], axisValue: 20_000, marker: "" },
    ]);
    expect(html).toContain("tokens 20K");
    expect(html).toContain("3.00e−4");
  });

  it("marks detected spikes: a dashed line where each starts, a triangle at its peak (none for a non-finite loss)", () => {
    const spiked = buildTimelineOption({
      ...input,
      spikes: [
        { index: 1, startStep: 30, startTokens: null, peakStep: 40, peakTokens: null, peak: 4.2 },
        { index: 2, startStep: 50, startTokens: 50_500, peakStep: 50, peakTokens: 50_500, peak: Number.NaN },
      ],
    });
    const spikes = byName(spiked, "spikes") as Series & { symbol?: string; markLine: { data: { xAxis: number; name: string }[] } };
    expect(spikes).toMatchObject({ type: "scatter", yAxisIndex: 0, symbol: "triangle" });
    expect(spikes.data).toEqual([{ value: [40_000, 4.2], name: "spike 1 · from step 30" }]);
    expect(spikes.markLine.data).toEqual([
      { xAxis: 30_000, name: "spike 1" },
      { xAxis: 50_500, name: "spike 2" },
    ]);
    expect((spiked.legend as { data: string[] }).data).toContain("spikes");
    expect(byName(option, "spikes")).toBeUndefined();
    expect((option.legend as { data: string[] }).data).not.toContain("spikes");
  });

  it("escapes names in the tooltip's HTML and never reads them as label templates", () => {
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([{ seriesName: "<img src=x onerror=alert(1)>", value: [20_000, 3.5], axisValue: 20_000, marker: "" }]);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;: <b>");
    expect(html).not.toContain("<img");
    const branchName = "b/{a}{b}";
    const withBranch = buildTimelineOption({ ...input, branches: [{ ...input.branches[0], name: branchName }] });
    const endLabel = (byName(withBranch, branchName) as { endLabel: { formatter: () => string } }).endLabel;
    expect(endLabel.formatter()).toBe(branchName);
  });

  it("knows when there is nothing to draw", () => {
    expect(hasTimelineData({ ...input, loss: [], lr: [], checkpoints: [], branches: [] })).toBe(false);
    expect(hasTimelineData(input)).toBe(true);
  });

  it("is plain data apart from formatters (serialisable for report SVGs)", () => {
    expect(() => JSON.stringify(option)).not.toThrow();
  });
});

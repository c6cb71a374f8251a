import { describe, expect, it } from "vitest";
import { annealingPrediction, beforeAfter, comparisonPanel, pickRunMerge, restartWindow, scoreVsTokens, type RunMerge } from "../../../lib/analysis";
import { escapeHtml, LONG_SERIES, scoreTooltip } from "../../../lib/charts/common";
import { buildBeforeAfterOption } from "../../../lib/charts/before-after";
import { chartFileName, exportOption, isLargeOption } from "../../../lib/charts/export";
import { buildPredictionLineOption, buildPredictionScatterOption } from "../../../lib/charts/prediction";
import { buildRestartOption } from "../../../lib/charts/restarts";
import { buildPanelOption, buildScoreVsTokensOption } from "../../../lib/charts/score-tokens";
import { categoricalColors, chartTheme, roleColors } from "../../../lib/charts/theme";
import { chartRun } from "./research-fixture";

type Series = {
  id?: string;
  name?: string;
  type?: string;
  data?: unknown[];
  stack?: string;
  stackStrategy?: string;
  areaStyle?: unknown;
  color?: string;
  sampling?: string;
  showSymbol?: boolean;
  emphasis?: { disabled?: boolean };
  lineStyle?: { type?: string; opacity?: number };
  xAxisIndex?: number;
  markLine?: { data: unknown[] };
  renderItem?: unknown;
};
const seriesOf = (option: { series?: unknown }) => option.series as Series[];
const named = (option: { series?: unknown }, name: string) => seriesOf(option).filter((s) => s.name === name);
const sma = { scheme: "sma", n: 2, interval: 1e6 };
const data = chartRun();

describe("score vs tokens (Fig. 2/3)", () => {
  const option = buildScoreVsTokensOption(scoreVsTokens(data, "acc", sma));

  it("draws the latest checkpoint, the merge and each annealed branch against tokens", () => {
    const lines = seriesOf(option).filter((s) => !s.id?.includes(":band"));
    expect(lines.map((s) => s.name)).toEqual(["latest checkpoint", "PMA SMA · N=2 · V=1M", "anneal-2M", "anneal-3M"]);
    expect(lines.map((s) => s.color)).toEqual([roleColors.latest, roleColors.merged, roleColors.annealed, expect.any(String)]);
    expect(lines[0].lineStyle?.type).toBe("dashed");
    expect(lines[1].data).toEqual([
      [2e6, 0.71, 0.02],
      [3e6, 0.72, 0.02],
    ]);
    expect(option.xAxis).toMatchObject({ type: "value", name: "training tokens" });
    expect(option.yAxis).toMatchObject({ type: "value", name: "acc (higher is better)", scale: true });
    expect((option.legend as { data: string[] }).data).toHaveLength(4);
  });

  it("draws value ± stderr as a stacked band under each line that has one", () => {
    const merged = named(option, "PMA SMA · N=2 · V=1M");
    // The line first, so the legend shows its style; its band after it, in the line's colour.
    expect(merged.map((s) => s.id)).toEqual(["sma|2|1000000", "sma|2|1000000:band-low", "sma|2|1000000:band-high"]);
    const [low, high] = merged.filter((s) => s.id?.includes(":band"));
    expect(low.color).toBe(roleColors.merged);
    expect(low).toMatchObject({ stack: "sma|2|1000000:band", stackStrategy: "all", lineStyle: { opacity: 0 } });
    expect(low.data![0]).toEqual([2e6, expect.closeTo(0.69, 12)]);
    expect(high.data![0]).toEqual([2e6, expect.closeTo(0.04, 12)]);
    expect(high.areaStyle).toEqual({ color: "rgba(59, 130, 246, 0.18)" });
    // loss has no stderr: no band at all.
    const lossOption = buildScoreVsTokensOption(scoreVsTokens(data, "loss", sma));
    expect(seriesOf(lossOption).some((s) => s.id?.includes(":band"))).toBe(false);
  });

  it("zooms on the token axis (short lines stay whole at the edges) and down-samples with LTTB", () => {
    expect((option.dataZoom as { type: string; xAxisIndex: number; filterMode: string }[]).map((z) => [z.type, z.xAxisIndex, z.filterMode])).toEqual([
      ["inside", 0, "none"],
      ["slider", 0, "none"],
    ]);
    expect(seriesOf(option).every((s) => s.sampling === "lttb")).toBe(true);
  });

  it("tooltip: tokens, values with stderr, and where a line's nearest point really is", () => {
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([
      { seriesId: "latest", seriesName: "latest checkpoint", value: [3e6, 0.35, 0.01], axisValue: 3e6, marker: "" },
      { seriesId: "sma|2|1000000:band-low", seriesName: "PMA", value: [3e6, 0.7], axisValue: 3e6, marker: "" },
      { seriesId: "annealed:anneal-2M", seriesName: "anneal-<2M>", value: [4e6, 0.4, null], axisValue: 3e6, marker: "" },
    ]);
    expect(html).toBe('3M tokens<br/>latest checkpoint: <b>0.35 ± 0.01</b><br/>anneal-&lt;2M&gt;: <b>0.4</b> <span style="opacity:.7">at 4M</span>');
  });
});

describe("comparison panels (Fig. 4/5)", () => {
  it("one line per scheme at fixed N and V, over the latest-checkpoint baseline, in categorical colours", () => {
    const option = buildPanelOption(comparisonPanel(data, "loss", "scheme", sma));
    expect(seriesOf(option).map((s) => s.name)).toEqual(["latest checkpoint", "SMA", "WMA", "EMA α=0.2"]);
    expect(seriesOf(option).slice(1).map((s) => s.color)).toEqual(categoricalColors.slice(0, 3));
    expect(option.yAxis).toMatchObject({ name: "loss (lower is better)" });
  });

  it("N and V panels name their settings", () => {
    expect(seriesOf(buildPanelOption(comparisonPanel(data, "loss", "n", sma))).map((s) => s.name)).toEqual(["latest checkpoint", "N=2", "N=3"]);
    expect(seriesOf(buildPanelOption(comparisonPanel(data, "loss", "interval", sma))).map((s) => s.name)).toEqual(["latest checkpoint", "V=1M", "V=2M"]);
  });
});

describe("annealing prediction", () => {
  const prediction = annealingPrediction(data, "loss", sma);

  it("scatter: merged at T against annealed from T on a square range, the diagonal and the latest-checkpoint predictor", () => {
    const option = buildPredictionScatterOption(prediction);
    expect(seriesOf(option).map((s) => [s.type, s.name])).toEqual([
      ["line", "exact prediction"],
      ["scatter", "latest checkpoint at T"],
      ["scatter", "PMA merge at T"],
    ]);
    const merged = seriesOf(option)[2].data as { value: number[]; name: string }[];
    expect(merged.map((d) => [d.value.slice(0, 3), d.name])).toEqual([
      [[2.9, 2.7, 2e6], "anneal-2M"],
      [[2.8, 2.6, 3e6], "anneal-3M"],
    ]);
    const x = option.xAxis as { min: number; max: number };
    const y = option.yAxis as { min: number; max: number };
    expect([x.min, x.max]).toEqual([y.min, y.max]);
    expect(x.min).toBeLessThan(2.6);
    expect(x.max).toBeGreaterThan(3.0);
    const diagonal = seriesOf(option)[0].data as number[][];
    expect(diagonal).toEqual([
      [x.min, x.min],
      [x.max, x.max],
    ]);
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter({ seriesName: "PMA merge at T", name: "anneal-2M", value: [2.9, 2.7, 2e6, null, null], marker: "" });
    expect(tooltip).toBe("<b>T = 2M</b> · anneal-2M<br/>PMA merge at T: <b>2.9</b><br/>annealed (final): <b>2.7</b><br/>error: <b>+0.2</b>");
  });

  it("line: the three numbers against the fork point", () => {
    const option = buildPredictionLineOption(prediction);
    expect(seriesOf(option).map((s) => s.name)).toEqual(["latest checkpoint at T", "PMA merge at T", "annealed from T (final)"]);
    expect(seriesOf(option)[2].data).toEqual([
      [2e6, 2.7, null],
      [3e6, 2.6, null],
    ]);
    expect(option.xAxis).toMatchObject({ name: "fork point T (tokens)" });
  });
});

describe("before / after (Fig. 1/9)", () => {
  const merge = pickRunMerge(data) as RunMerge;
  const large: RunMerge = { ...merge, run: "lm/large", params: 1e9, before: { acc: { value: 0.5, stderr: null, n: null } }, after: { acc: { value: 0.56, stderr: null, n: null } } };
  const [acc] = beforeAfter([large, merge], data.metrics);
  const option = buildBeforeAfterOption(acc);

  it("groups bars per run from the smallest model, with sizes in the labels, on a zero-based axis", () => {
    expect(option.xAxis).toMatchObject({ type: "category", data: ["lm/<small>\n130M params", "lm/large\n1B params"] });
    expect(seriesOf(option).map((s) => [s.type, s.name, s.data])).toEqual([
      ["bar", "latest checkpoint", [0.35, 0.5]],
      // The small run's merge: SMA N=3 at 3M (the largest N at its latest T), acc 1 − 2.78 / 10.
      ["bar", "merged", [expect.closeTo(0.722, 9), 0.56]],
      ["custom", "± stderr", [[0, expect.closeTo(0.34, 9), expect.closeTo(0.36, 9), -1], [0, expect.closeTo(0.702, 9), expect.closeTo(0.742, 9), 1]]],
    ]);
    expect(option.yAxis).toMatchObject({ scale: false });
  });

  it("tooltip says both values, the change and whether it is better", () => {
    const html = (option.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 1, marker: "" }, { dataIndex: 1, marker: "" }]);
    expect(html).toContain("latest checkpoint: <b>0.5</b>");
    expect(html).toContain("change: <b>+0.06</b> (better)");
  });
});

describe("restarts around a spike (Fig. 7)", () => {
  const points = (count: number, from: number, value: (i: number) => number) => Array.from({ length: count }, (_, i) => ({ step: from + i, tokens: null, value: value(i) }));
  const original = { name: "unstable", tokensPerStep: 10, logs: { loss: points(200_000, 0, (i) => 3 + (i > 150_000 ? 5 : 0)), grad_norm: points(200_000, 0, (i) => (i > 150_000 ? 50 : 1)) } };
  const restart = { name: "pma", kind: "pma-init", forkTokens: 1_400_000, init: "SMA of 3 checkpoints", tokensPerStep: 10, logs: { loss: points(60_000, 140_001, () => 2.9), grad_norm: points(60_000, 140_001, () => 0.9) } };
  const window = restartWindow(original, [restart], ["loss", "grad_norm"])!;
  const option = buildRestartOption(window);

  it("stacks loss and grad norm in two grids sharing the token range, the grad norm on a log axis", () => {
    expect((option.grid as unknown[]).length).toBe(2);
    expect((option.xAxis as { min: number; max: number }[]).map((a) => [a.min, a.max])).toEqual([
      [window.from, window.to],
      [window.from, window.to],
    ]);
    expect((option.yAxis as { type: string; name: string }[]).map((a) => [a.type, a.name])).toEqual([
      ["value", "training loss"],
      ["log", "grad norm"],
    ]);
    expect(seriesOf(option).map((s) => [s.name, s.xAxisIndex, s.color])).toEqual([
      ["unstable (original)", 0, roleColors.original],
      ["pma (PMA-init: SMA of 3 checkpoints)", 0, roleColors.pmaInit],
      ["unstable (original)", 1, roleColors.original],
      ["pma (PMA-init: SMA of 3 checkpoints)", 1, roleColors.pmaInit],
    ]);
    expect(seriesOf(option)[0].markLine?.data).toEqual([{ xAxis: 1_400_000 }]);
  });

  it("draws 100 000-point lines in large mode: LTTB, no symbols, no hover emphasis, one zoom for both panels", () => {
    const long = seriesOf(option)[0];
    expect(long.data!.length).toBeGreaterThan(LONG_SERIES);
    expect(long).toMatchObject({ sampling: "lttb", showSymbol: false, emphasis: { disabled: true } });
    expect((option.dataZoom as { xAxisIndex: number[]; filterMode: string }[]).map((z) => [z.xAxisIndex, z.filterMode])).toEqual([
      [[0, 1], "filter"],
      [[0, 1], "filter"],
    ]);
    expect(isLargeOption(option)).toBe(true);
    expect(isLargeOption(buildScoreVsTokensOption(scoreVsTokens(data, "acc", sma)))).toBe(false);
  });
});

describe("export and themes", () => {
  it("names files after the chart and exports on the card's background without animation", () => {
    expect(chartFileName("Score vs tokens: heldout/loss (lower is better)")).toBe("score-vs-tokens-heldout-loss-lower-is-better");
    expect(chartFileName("∅")).toBe("chart");
    expect(exportOption({ series: [], animation: true }, "#ffffff")).toEqual({ series: [], animation: false, backgroundColor: "#ffffff" });
    expect(exportOption({ textStyle: { fontSize: 12 } }, "#141417", '"Segoe UI", Inter, sans-serif')).toEqual({
      textStyle: { fontSize: 12, fontFamily: "'Segoe UI', Inter, sans-serif" },
      animation: false,
      backgroundColor: "#141417",
    });
  });

  it("builders leave text colours to the light and dark themes", () => {
    const option = buildScoreVsTokensOption(scoreVsTokens(data, "acc", sma));
    expect(JSON.stringify(option)).not.toMatch(/textStyle/);
    expect(chartTheme("light").textStyle).not.toEqual(chartTheme("dark").textStyle);
  });

  it("escapes HTML in tooltips", () => {
    expect(escapeHtml(`<b a="1">&'`)).toBe("&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    expect(scoreTooltip()([])).toBe("");
  });
});

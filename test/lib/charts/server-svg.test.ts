import { BarChart, CustomChart, LineChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { init, registerTheme, use as registerParts, type EChartsCoreOption } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { describe, expect, it } from "vitest";
import { annealingPrediction, beforeAfter, comparisonPanel, pickRunMerge, restartWindow, scoreVsTokens, type RunMerge } from "../../../lib/analysis";
import { buildBeforeAfterOption } from "../../../lib/charts/before-after";
import { exportOption } from "../../../lib/charts/export";
import { buildPredictionLineOption, buildPredictionScatterOption } from "../../../lib/charts/prediction";
import { buildRestartOption } from "../../../lib/charts/restarts";
import { buildPanelOption, buildScoreVsTokensOption } from "../../../lib/charts/score-tokens";
import { chartTheme, exportBackground, themeName } from "../../../lib/charts/theme";
import { chartRun } from "./research-fixture";

// A report renders the same option builders on the server, as SVG, with no DOM: every builder must survive it.
registerParts([LineChart, ScatterChart, BarChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, SVGRenderer]);
registerTheme(themeName("light"), chartTheme("light"));
registerTheme(themeName("dark"), chartTheme("dark"));

function renderSvg(option: EChartsCoreOption, mode: "light" | "dark" = "light"): string {
  const chart = init(null, themeName(mode), { renderer: "svg", ssr: true, width: 800, height: 420 });
  try {
    chart.setOption(exportOption(option, exportBackground[mode]));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const data = chartRun();
const sma = { scheme: "sma", n: 2, interval: 1e6 };
const log = (from: number, count: number, value: (i: number) => number) => Array.from({ length: count }, (_, i) => ({ step: from + i, tokens: null, value: value(i) }));

const options: [string, EChartsCoreOption][] = [
  ["score vs tokens", buildScoreVsTokensOption(scoreVsTokens(data, "acc", sma))],
  ["scheme panel", buildPanelOption(comparisonPanel(data, "loss", "scheme", sma))],
  ["prediction scatter", buildPredictionScatterOption(annealingPrediction(data, "loss", sma))],
  ["prediction line", buildPredictionLineOption(annealingPrediction(data, "loss", sma))],
  ["before/after", buildBeforeAfterOption(beforeAfter([pickRunMerge(data) as RunMerge], data.metrics)[0])],
  [
    "restarts",
    buildRestartOption(
      restartWindow(
        { name: "unstable", tokensPerStep: 10, logs: { loss: log(0, 300, (i) => 3 + (i > 200 ? 4 : 0)), grad_norm: log(0, 300, (i) => (i > 200 ? 30 : 1)) } },
        [{ name: "pma", kind: "pma-init", forkTokens: 1500, init: null, tokensPerStep: 10, logs: { loss: log(151, 150, () => 2.9), grad_norm: log(151, 150, () => 0.8) } }],
        ["loss", "grad_norm"],
      )!,
    ),
  ],
];

describe("option builders render server-side as SVG", () => {
  it.each(options)("%s", (_name, option) => {
    for (const mode of ["light", "dark"] as const) {
      const svg = renderSvg(option, mode);
      expect(svg.startsWith("<svg")).toBe(true);
      expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(10);
      expect(svg).toContain(exportBackground[mode]);
    }
  });

  it("writes numbers through the tooltip-free formatters (axis labels in tokens)", () => {
    expect(renderSvg(options[0][1])).toContain(">3M<");
  });
});

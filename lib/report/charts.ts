import type { LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import { roleColors } from "../charts/theme";
import { buildPanelOption, buildScoreVsTokensOption } from "../charts/score-tokens";
import { buildPredictionScatterOption } from "../charts/prediction";
import { buildRestartOption } from "../charts/restarts";
import type { ResearchOption } from "../charts/common";
import { formatCount } from "../format";
import type { ChartSpec, LineSeriesSpec, SizeChartSpec } from "./chart-spec";

/**
 * A report figure's ECharts option: the pages' own builders (lib/charts) for what the pages draw, one small builder
 * here for the size fit, then made static for a document — no tooltip, no zoom slider, a legend that wraps instead
 * of scrolling, and Arial-metric fonts (ECharts measures text on the server with Helvetica/Arial widths).
 */
export const FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif";

export function buildReportChartOption(spec: ChartSpec): ResearchOption {
  switch (spec.kind) {
    case "score-vs-tokens":
      return staticOption(buildScoreVsTokensOption(spec.data));
    case "panel":
      return staticOption(buildPanelOption(spec.data));
    case "prediction":
      return staticOption(buildPredictionScatterOption(spec.data));
    case "restarts":
      return staticOption(buildRestartOption(spec.data));
    case "size":
      return staticOption(sizeOption(spec));
  }
}

/** The figure's pixel size: the restart figure stacks two panels. */
export function figureSize(spec: ChartSpec): { width: number; height: number } {
  return { width: FIGURE_WIDTH, height: spec.kind === "restarts" ? 480 : 340 };
}

const FIGURE_WIDTH = 760;
const LEGEND_ROW = 22;

function staticOption(option: ResearchOption): ResearchOption {
  const legend = Array.isArray(option.legend) ? option.legend[0] : option.legend;
  const grid = Array.isArray(option.grid) ? undefined : option.grid;
  const { tooltip: _tooltip, dataZoom: _dataZoom, ...rest } = option;
  // A wrapped legend takes more rows: push a single grid down by as many (multi-panel layouts place themselves).
  const names = (legend?.data ?? []) as (string | { name?: string })[];
  const width = names.reduce<number>((sum, n) => sum + 40 + 6.2 * String(typeof n === "string" ? n : (n.name ?? "")).length, 0);
  const extraRows = Math.max(0, Math.ceil(width / (FIGURE_WIDTH - 40)) - 1);
  return {
    ...rest,
    animation: false,
    textStyle: { fontFamily: FONT },
    ...(grid && typeof grid.top === "number" ? { grid: { ...grid, top: grid.top + extraRows * LEGEND_ROW, bottom: 48 } } : {}),
    legend: legend ? { ...legend, type: "plain", itemGap: 16, textStyle: { ...(legend.textStyle ?? {}), fontFamily: FONT, fontSize: 11 } } : undefined,
  };
}

const SIZE_COLORS: Record<LineSeriesSpec["role"], string> = { paper: roleColors.latest, fit: roleColors.latest, ours: roleColors.merged, "ours-fit": roleColors.merged };

function sizeOption(spec: SizeChartSpec): ResearchOption {
  const axis = (name: string) => ({
    type: "log" as const,
    logBase: 10,
    name,
    nameLocation: "middle" as const,
    nameGap: 32,
    axisLabel: { formatter: (v: number) => formatCount(v), hideOverlap: true },
  });
  return {
    animation: false,
    grid: { left: 72, right: 32, top: 48, bottom: 48 },
    legend: { top: 4, data: spec.series.map((s) => s.name) },
    xAxis: axis("model parameters"),
    yAxis: axis("best interval V (tokens)"),
    series: spec.series.map((s): LineSeriesOption | ScatterSeriesOption =>
      s.scatter
        ? { type: "scatter", name: s.name, data: s.points, symbolSize: 10, itemStyle: { color: SIZE_COLORS[s.role] } }
        : { type: "line", name: s.name, data: s.points, color: SIZE_COLORS[s.role], showSymbol: false, lineStyle: { type: s.role === "fit" ? "dashed" : "solid", width: 1.5 } },
    ),
  };
}

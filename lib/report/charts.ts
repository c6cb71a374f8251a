import type { LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import { formatMetric } from "../charts/format";
import { seriesColors } from "../charts/theme";
import { formatCount } from "../format";
import type { ChartSpec, LineSeriesSpec, LossChartSpec, PredictionChartSpec, SeriesRole, SizeChartSpec, TokensChartSpec } from "./chart-spec";

/**
 * Option builders for report figures: a figure spec in, an ECharts option out. Pure (echarts types only), so the
 * same option renders on a page or, server-side, as the report's SVG. Static figures: no tooltip, zoom or animation.
 */
export type ReportChartOption = ComposeOption<LineSeriesOption | ScatterSeriesOption | GridComponentOption | LegendComponentOption | MarkLineComponentOption>;

/** Arial-metric fonts: ECharts' server-side text measurement assumes Helvetica/Arial widths. */
export const FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif";
const MUTED = "#71717a";
const GRID = "#e4e4e7";

const ROLE_COLORS: Partial<Record<SeriesRole, string>> = {
  latest: "#71717a",
  merged: seriesColors.loss,
  parent: "#71717a",
  paper: "#f59e0b",
  fit: "#f59e0b",
  ours: seriesColors.loss,
};
const PALETTE = [seriesColors.loss, seriesColors.checkpoint, seriesColors.lr, ...seriesColors.branches];

export function buildReportChartOption(spec: ChartSpec): ReportChartOption {
  switch (spec.kind) {
    case "tokens":
      return tokensOption(spec);
    case "prediction":
      return predictionOption(spec);
    case "size":
      return sizeOption(spec);
    case "loss":
      return lossOption(spec);
  }
}

function base(names: string[]): ReportChartOption {
  return {
    animation: false,
    textStyle: { fontFamily: FONT, color: "#27272a" },
    color: PALETTE,
    legend: { top: 4, left: "center", data: names, textStyle: { fontSize: 11, color: "#27272a", fontFamily: FONT }, itemWidth: 16, itemHeight: 9, itemGap: 18 },
    grid: { left: 64, right: 24, top: names.length > 4 ? 64 : 44, bottom: 48, containLabel: false },
  };
}

function axis(name: string, formatter: (value: number) => string, extra: Record<string, unknown> = {}) {
  return {
    type: "value" as const,
    name,
    nameLocation: "middle" as const,
    nameGap: 34,
    nameTextStyle: { color: MUTED, fontSize: 11 },
    axisLabel: { color: MUTED, fontSize: 10, formatter, hideOverlap: true },
    axisLine: { lineStyle: { color: "#d4d4d8" } },
    splitLine: { lineStyle: { color: GRID } },
    ...extra,
  };
}

/** Colours by role; "group", "annealed" and "restart" series take the palette in order. */
function colorOf(series: LineSeriesSpec, index: number, offset = 0): string {
  return ROLE_COLORS[series.role] ?? PALETTE[(index + offset) % PALETTE.length];
}

function seriesOf(spec: LineSeriesSpec, color: string): LineSeriesOption | ScatterSeriesOption {
  if (spec.scatter) return { type: "scatter", name: spec.name, data: spec.points, symbolSize: 9, itemStyle: { color } };
  const dashed = spec.role === "latest" || spec.role === "fit" || spec.role === "parent";
  return {
    type: "line",
    name: spec.name,
    data: spec.points,
    color,
    showSymbol: spec.points.length <= 40,
    symbolSize: 5,
    lineStyle: { width: spec.role === "merged" ? 2.5 : 1.5, type: dashed ? "dashed" : "solid" },
  };
}

function tokensOption(spec: TokensChartSpec): ReportChartOption {
  let groupIndex = 0;
  const series = spec.series.map((s) => seriesOf(s, ROLE_COLORS[s.role] ?? PALETTE[(groupIndex++ + (s.role === "annealed" ? 3 : 0)) % PALETTE.length]));
  if (spec.zeroLine && series.length > 0) {
    series.push({
      type: "line",
      name: "no gain",
      data: [],
      markLine: { silent: true, symbol: "none", lineStyle: { color: MUTED, type: "dotted", width: 1 }, label: { show: false }, data: [{ yAxis: 0 }] },
    });
  }
  return {
    ...base(spec.series.map((s) => s.name)),
    xAxis: axis("training tokens", (v) => formatCount(v), { scale: true }),
    yAxis: axis(spec.yLabel, (v) => formatMetric(v), { scale: true, nameGap: 46 }),
    series,
  };
}

function predictionOption(spec: PredictionChartSpec): ReportChartOption {
  const values = spec.points.flatMap((p) => [p.x, p.y]);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  const step = niceStep(((hi - lo) || Math.abs(hi) || 1) / 4);
  const range: [number, number] = [Math.floor(lo / step - 0.5) * step, Math.ceil(hi / step + 0.5) * step];
  return {
    ...base(["branches", "merged = annealed"]),
    grid: { left: 64, right: 120, top: 44, bottom: 48 },
    xAxis: axis(spec.xLabel, (v) => formatMetric(v), { min: range[0], max: range[1], interval: step }),
    yAxis: axis(spec.yLabel, (v) => formatMetric(v), { min: range[0], max: range[1], interval: step, nameGap: 46 }),
    series: [
      {
        type: "scatter",
        name: "branches",
        data: spec.points.map((p) => ({ value: [p.x, p.y], name: p.name })),
        symbolSize: 10,
        itemStyle: { color: seriesColors.branches[0] },
        label: { show: true, position: "right", formatter: (p: { name?: string }) => p.name ?? "", fontSize: 10, color: "#27272a" },
      },
      { type: "line", name: "merged = annealed", data: [range, range].map((_, i) => [range[i], range[i]]), color: MUTED, showSymbol: false, lineStyle: { type: "dashed", width: 1 } },
    ],
  };
}

/** 1, 2 or 5 × a power of ten, the smallest at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

function sizeOption(spec: SizeChartSpec): ReportChartOption {
  return {
    ...base(spec.series.map((s) => s.name)),
    xAxis: axis("model parameters", (v) => formatCount(v), { type: "log", logBase: 10 }),
    yAxis: axis("best interval V (tokens)", (v) => formatCount(v), { type: "log", logBase: 10, nameGap: 46 }),
    series: spec.series.map((s, i) => seriesOf(s, colorOf(s, i))),
  };
}

function lossOption(spec: LossChartSpec): ReportChartOption {
  const series = spec.series.map((s, i) => seriesOf({ ...s, points: s.points }, colorOf(s, i, 1)));
  if (spec.markers.length > 0 && series.length > 0) {
    (series[0] as LineSeriesOption).markLine = {
      silent: true,
      symbol: "none",
      lineStyle: { color: "#ef4444", type: "dotted", width: 1 },
      label: { formatter: (p: { name?: string }) => p.name ?? "", color: "#ef4444", fontSize: 10 },
      data: spec.markers.map((m) => ({ xAxis: m.x, name: m.label })),
    };
  }
  return {
    ...base(spec.series.map((s) => s.name)),
    xAxis: axis(spec.xLabel, (v) => formatCount(v), { scale: true }),
    yAxis: axis(spec.yLabel, (v) => formatMetric(v), { scale: true, nameGap: 46 }),
    series,
  };
}

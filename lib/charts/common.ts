import type { BarSeriesOption, CustomSeriesOption, LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type { DataZoomComponentOption, GridComponentOption, LegendComponentOption, MarkLineComponentOption, TooltipComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import type { XAXisComponentOption, YAXisComponentOption } from "echarts";
import type { MetricInfo, SeriesPoint } from "../analysis/types";
import { formatCount } from "../format";
import { formatMetric, formatWithStderr } from "./format";
import { withAlpha } from "./theme";

/**
 * Pieces every research chart shares: score lines with their stderr bands, long-series (large) mode, token and
 * metric axes, zoom, legend and a tooltip with readable numbers. Pure data; safe for the page and report SVGs.
 */

/** What every research chart builder returns: only the chart types and components the wrapper registers. */
export type ResearchOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | BarSeriesOption | CustomSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | DataZoomComponentOption | MarkLineComponentOption
>;

/** A point as a line series holds it: [tokens, value, stderr]. The third dimension feeds the tooltip. */
export type ScorePoint = [number, number, number | null];

/** Above this many points a line is drawn in large mode (no symbols, no hover emphasis, no animation). */
export const LONG_SERIES = 5_000;
/** Symbols on every point only while they stay distinguishable. */
export const SYMBOL_LIMIT = 60;

const BAND = ":band";

/** Series names come from user data (run names): never let them into tooltip HTML unescaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * Long series stay interactive: LTTB down-sampling to the pixels on screen (recomputed as dataZoom narrows the
 * window), no per-point symbols, and no hover emphasis, which would redraw the whole line on every mouse move.
 */
export function largeMode(count: number): Partial<LineSeriesOption> {
  const long = count > LONG_SERIES;
  return {
    sampling: "lttb",
    showSymbol: count <= SYMBOL_LIMIT,
    ...(long ? { symbol: "none", emphasis: { disabled: true }, animation: false } : {}),
  };
}

export interface ScoreLineSpec {
  id: string;
  name: string;
  points: readonly SeriesPoint[];
  color: string;
  dashed?: boolean;
  width?: number;
  symbol?: string;
}

export function scoreLine(spec: ScoreLineSpec): LineSeriesOption {
  return {
    type: "line",
    id: spec.id,
    name: spec.name,
    data: spec.points.map((p): ScorePoint => [p.tokens, p.value, p.stderr]),
    color: spec.color,
    symbol: spec.symbol ?? "circle",
    symbolSize: 6,
    lineStyle: { width: spec.width ?? 2, type: spec.dashed ? "dashed" : "solid" },
    z: 3,
    ...largeMode(spec.points.length),
  };
}

/**
 * value ± stderr as a filled band: an invisible lower edge, then the band's height stacked on it and filled. Both
 * carry the line's name, so hiding the line in the legend hides its band; they go after the line, whose style
 * the legend then shows. None when no point has a stderr.
 */
export function stderrBand(spec: Pick<ScoreLineSpec, "id" | "name" | "points" | "color">): LineSeriesOption[] {
  if (!spec.points.some((p) => p.stderr !== null)) return [];
  const common: LineSeriesOption = {
    type: "line",
    name: spec.name,
    color: spec.color,
    stack: `${spec.id}${BAND}`,
    stackStrategy: "all",
    symbol: "none",
    silent: true,
    lineStyle: { opacity: 0 },
    tooltip: { show: false },
    z: 1,
    ...largeMode(spec.points.length),
    showSymbol: false,
  };
  return [
    { ...common, id: `${spec.id}${BAND}-low`, data: spec.points.map((p) => [p.tokens, p.value - (p.stderr ?? 0)]) },
    { ...common, id: `${spec.id}${BAND}-high`, data: spec.points.map((p) => [p.tokens, 2 * (p.stderr ?? 0)]), areaStyle: { color: withAlpha(spec.color, 0.18) } },
  ];
}

export function isBandSeries(id: unknown): boolean {
  return typeof id === "string" && id.includes(BAND);
}

export function tokensAxis(name = "training tokens"): XAXisComponentOption {
  return {
    type: "value",
    name,
    nameLocation: "middle",
    nameGap: 28,
    scale: true,
    axisLabel: { formatter: (value: number) => formatCount(value), hideOverlap: true },
  };
}

/** "heldout/loss (lower is better)" on the axis: the reader should not have to know each metric's direction. */
export function metricAxisName(metric: MetricInfo): string {
  if (metric.higherIsBetter === null) return metric.name;
  return `${metric.name} (${metric.higherIsBetter ? "higher" : "lower"} is better)`;
}

export function metricAxis(metric: MetricInfo): YAXisComponentOption {
  return {
    type: "value",
    name: metricAxisName(metric),
    nameLocation: "end",
    nameTextStyle: { align: "left" },
    scale: true,
    axisLabel: { formatter: (value: number) => formatMetric(value) },
  };
}

/**
 * Wheel / pinch zoom on the token axis plus a slider under it. Short series are never filtered (a line keeps its
 * segment into the window's edge); long ones are, so each zoom or pan samples only the points in view instead
 * of the whole series (see `npm run bench:chart`).
 */
export function tokenZoom(xAxisIndex: number | number[] = 0, long = false): DataZoomComponentOption[] {
  const filterMode = long ? "filter" : "none";
  return [
    { type: "inside", xAxisIndex, filterMode },
    { type: "slider", xAxisIndex, filterMode, height: 18, bottom: 8 },
  ];
}

export function legend(names: string[]): LegendComponentOption {
  return { type: "scroll", top: 4, left: 8, right: 8, data: names };
}

interface TooltipParam {
  seriesId?: string;
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

/**
 * Axis tooltip: the tokens under the pointer, then each line's nearest point with its stderr. A line whose
 * nearest point sits elsewhere (merges exist only at their T) says where, instead of passing it off as "here".
 */
export function scoreTooltip(xLabel = "tokens") {
  return (raw: unknown): string => {
    const params = ((Array.isArray(raw) ? raw : [raw]) as TooltipParam[]).filter((p) => !isBandSeries(p.seriesId));
    if (params.length === 0) return "";
    const x = Number(params[0].axisValue ?? (params[0].value as ScorePoint | undefined)?.[0]);
    const rows = params.map((p) => {
      const [px, y, stderr] = (p.value as ScorePoint | undefined) ?? [Number.NaN, Number.NaN, null];
      const where = Number.isFinite(px) && px !== x ? ` <span style="opacity:.7">at ${formatCount(px)}</span>` : "";
      return `${String(p.marker ?? "")}${escapeHtml(p.seriesName ?? "")}: <b>${formatWithStderr(y, stderr)}</b>${where}`;
    });
    return [`${formatCount(x)} ${xLabel}`, ...rows].join("<br/>");
  };
}

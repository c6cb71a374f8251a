import type { HeatmapSeriesOption } from "echarts/charts";
import type { GridComponentOption, TooltipComponentOption, VisualMapComponentOption } from "echarts/components";
import type { ComposeOption } from "echarts/core";
import { formatTokens } from "../merge/plan/tokens";
import { formatMetric } from "./format";

/**
 * The N × V heatmap of one metric at one merge point T for one scheme (paper Fig. 5 as a grid). Colours follow
 * "better", not "higher": each value is oriented by the metric's direction before it meets the colour scale, so
 * green means better for a loss and for an accuracy alike. Cells without a value are drawn grey with a mark and
 * the reason in the tooltip.
 */
export type HeatmapOption = ComposeOption<HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption>;

export type HeatmapMode = "delta" | "value";

export interface HeatmapCheckpoint {
  step: number;
  tokens: number | null;
  weight: number;
}

export interface HeatmapCell {
  n: number;
  /** V, tokens. */
  interval: number;
  status: string;
  /** Why the cell cannot be merged (infeasible cells). */
  reason: string | null;
  metric: { value: number; stderr: number | null; deltaVsCheckpoint: number | null; deltaVsAnnealed: number | null } | null;
  /** The merged checkpoints, oldest first. */
  checkpoints: HeatmapCheckpoint[];
}

export interface HeatmapInput {
  metric: string;
  higherIsBetter: boolean | null;
  mode: HeatmapMode;
  scheme: string;
  /** T, tokens. */
  point: number;
  ns: number[];
  intervals: number[];
  cells: HeatmapCell[];
}

/** What a cell shows: its delta vs the latest checkpoint, or its raw value; null when it has none. */
export function shownValue(cell: HeatmapCell, mode: HeatmapMode): number | null {
  if (!cell.metric) return null;
  return mode === "delta" ? cell.metric.deltaVsCheckpoint : cell.metric.value;
}

/** Why a cell has no value, in a word for its mark and a sentence for its tooltip. */
export function missingReason(cell: HeatmapCell | undefined, mode: HeatmapMode): { mark: string; text: string } {
  if (!cell) return { mark: "", text: "not in this sweep" };
  if (cell.status === "infeasible") return { mark: "×", text: `infeasible: ${cell.reason ?? "no reason recorded"}` };
  if (!cell.metric) return { mark: "…", text: `not scored yet (${cell.status})` };
  if (mode === "delta") return { mark: "—", text: "no score for the latest checkpoint at this T" };
  return { mark: "—", text: "no value" };
}

export function formatSigned(value: number): string {
  const text = formatMetric(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** +1 when higher is better (or unknown), −1 when lower is: multiplying by it makes "larger" mean "better". */
function orientation(input: HeatmapInput): 1 | -1 {
  return input.higherIsBetter === false ? -1 : 1;
}

export const heatmapColors = {
  worse: "#dc2626",
  neutral: "#f4f4f5",
  better: "#16a34a",
  /** For a metric nobody gave a direction: a ramp that says "more", not "better". */
  unknown: ["#eff6ff", "#93c5fd", "#1d4ed8"],
  missing: "rgba(161, 161, 170, 0.25)",
} as const;

/** Dark text with a light halo: readable on every cell colour, on the light and the dark page alike. */
const LABEL_STYLE = { color: "#18181b", textBorderColor: "rgba(255, 255, 255, 0.85)", textBorderWidth: 2 } as const;

export function heatmapTooltip(input: HeatmapInput, cell: HeatmapCell | undefined, n: number, interval: number): string {
  const title = `<b>${input.scheme}</b> · N = ${n} · V = ${formatTokens(interval)} · T = ${formatTokens(input.point)}`;
  if (!cell?.metric) return `${title}<br/>${missingReason(cell, input.mode).text}`;
  const m = cell.metric;
  const lines = [
    `${input.metric}: ${formatMetric(m.value)}${m.stderr !== null ? ` ± ${formatMetric(m.stderr)}` : ""}`,
    `Δ vs latest checkpoint: ${m.deltaVsCheckpoint === null ? "—" : formatSigned(m.deltaVsCheckpoint)}`,
    `Δ vs annealed: ${m.deltaVsAnnealed === null ? "—" : formatSigned(m.deltaVsAnnealed)}`,
  ];
  const merged = cell.checkpoints.map((c) => `step ${c.step.toLocaleString("en-US")}${c.tokens !== null ? ` (${formatTokens(c.tokens)})` : ""} × ${formatMetric(c.weight)}`);
  return [title, ...lines, ...(merged.length ? [`Merges: ${merged.join(", ")}`] : [])].join("<br/>");
}

/** Symmetric around 0 for deltas (0 = as good as the baseline); the data's span for raw values. */
export function colourRange(input: HeatmapInput): { min: number; max: number } {
  const sign = orientation(input);
  const values = input.cells.flatMap((cell) => {
    const shown = shownValue(cell, input.mode);
    return shown === null ? [] : [shown * sign];
  });
  if (values.length === 0) return { min: -1, max: 1 };
  if (input.mode === "delta") {
    const reach = Math.max(...values.map(Math.abs)) || 1;
    return { min: -reach, max: reach };
  }
  const min = Math.min(...values);
  const max = Math.max(...values);
  return min === max ? { min: min - 1, max: max + 1 } : { min, max };
}

export function buildHeatmapOption(input: HeatmapInput): HeatmapOption {
  const sign = orientation(input);
  const x = new Map(input.intervals.map((v, i) => [v, i]));
  const y = new Map(input.ns.map((n, i) => [n, i]));
  const at = new Map(input.cells.map((cell) => [`${cell.n}|${cell.interval}`, cell]));
  const valued: [number, number, number, number][] = [];
  const missing: [number, number, number][] = [];
  for (const n of input.ns)
    for (const interval of input.intervals) {
      const cell = at.get(`${n}|${interval}`);
      const shown = cell ? shownValue(cell, input.mode) : null;
      // [x, y, oriented value (what the colour scale reads), shown value (what the label prints)]
      if (shown !== null) valued.push([x.get(interval)!, y.get(n)!, shown * sign, shown]);
      else missing.push([x.get(interval)!, y.get(n)!, 0]);
    }
  const { min, max } = colourRange(input);
  const known = input.higherIsBetter !== null;
  const label = (value: number) => (input.mode === "delta" ? formatSigned(value) : formatMetric(value));
  const cellAt = (index: [number, number]) => at.get(`${input.ns[index[1]]}|${input.intervals[index[0]]}`);
  return {
    grid: { left: 56, right: 24, top: 16, bottom: 88, containLabel: false },
    xAxis: { type: "category", name: "V (tokens between merged checkpoints)", nameLocation: "middle", nameGap: 30, data: input.intervals.map(formatTokens), splitArea: { show: true } },
    yAxis: { type: "category", name: "N", nameLocation: "middle", nameGap: 36, data: input.ns.map(String), splitArea: { show: true } },
    visualMap: [
      {
        type: "continuous",
        seriesIndex: 0,
        dimension: 2,
        min,
        max,
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemWidth: 12,
        itemHeight: 180,
        // The ends say which way is better and the number there (the shown value, not its oriented form).
        text: known ? [`${label(max * sign)} better`, `worse ${label(min * sign)}`] : [`${label(max)} higher`, `lower ${label(min)}`],
        inRange: { color: known ? [heatmapColors.worse, heatmapColors.neutral, heatmapColors.better] : [...heatmapColors.unknown] },
        formatter: (value: unknown) => label(Number(value) * sign),
      },
      // Cells without a value: one flat grey, outside the colour scale (ECharts heatmaps need a visual map each).
      { type: "piecewise", show: false, seriesIndex: 1, dimension: 2, pieces: [{ value: 0 }], inRange: { color: [heatmapColors.missing] } },
    ],
    tooltip: {
      formatter: (params: unknown) => {
        const p = params as { data: number[] };
        const [xi, yi] = p.data;
        return heatmapTooltip(input, cellAt([xi, yi]), input.ns[yi], input.intervals[xi]);
      },
    },
    series: [
      {
        name: input.metric,
        type: "heatmap",
        data: valued,
        encode: { x: 0, y: 1, value: 2 },
        label: { show: true, fontSize: 11, ...LABEL_STYLE, formatter: (params: unknown) => label((params as { data: number[] }).data[3]) },
        itemStyle: { borderColor: "rgba(127,127,127,0.25)", borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: "#71717a", borderWidth: 2 } },
      },
      {
        name: "no value",
        type: "heatmap",
        data: missing,
        itemStyle: { borderColor: "rgba(127,127,127,0.25)", borderWidth: 1 },
        label: { show: true, fontSize: 13, ...LABEL_STYLE, formatter: (params: unknown) => missingReason(cellAt((params as { data: [number, number] }).data), input.mode).mark },
        emphasis: { disabled: true },
      },
    ],
  };
}

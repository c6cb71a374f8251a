import type { BarSeriesOption, CustomSeriesOption } from "echarts/charts";
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams, CustomSeriesRenderItemReturn } from "echarts";
import type { BeforeAfterPanel, BeforeAfterRow } from "../analysis/before-after";
import { formatCount } from "../format";
import { escapeHtml, legend, metricAxis, type ResearchOption } from "./common";
import { formatMetric, formatSigned, formatWithStderr } from "./format";
import { roleColors } from "./theme";

/**
 * Before/after merging for one benchmark across runs of different sizes (paper Fig. 1/9): grouped bars per
 * run — the latest checkpoint, then the merge — labelled with their values, with ±stderr whiskers where known.
 */
const BAR_WIDTH = 0.3; // of the category band
const BAR_GAP = 0.1; // of a bar's width
/** Centre of each bar from the band's centre, as a fraction of the band: (w + gap·w) / 2. */
const OFFSET = (BAR_WIDTH + BAR_GAP * BAR_WIDTH) / 2;

function runLabel(row: BeforeAfterRow): string {
  return row.params ? `${row.run}\n${formatCount(row.params)} params` : row.run;
}

interface BarParam {
  dataIndex?: number;
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
}

function tooltip(rows: BeforeAfterRow[]) {
  return (raw: unknown): string => {
    const params = (Array.isArray(raw) ? raw : [raw]) as BarParam[];
    const row = rows[params[0]?.dataIndex ?? -1];
    if (!row) return "";
    return [
      `<b>${escapeHtml(row.run)}</b>${row.params ? ` · ${formatCount(row.params)} params` : ""}`,
      `${String(params[0]?.marker ?? "")}latest checkpoint: <b>${formatWithStderr(row.before?.value, row.before?.stderr)}</b>`,
      `${String(params[1]?.marker ?? "")}merged: <b>${formatWithStderr(row.after?.value, row.after?.stderr)}</b>`,
      `change: <b>${formatSigned(row.delta)}</b>${row.improved === null ? "" : row.improved ? " (better)" : " (worse)"}`,
      `<span style="opacity:.7">${escapeHtml(row.merge)}</span>`,
    ].join("<br/>");
  };
}

/** ±stderr whiskers at each bar's centre: drawn by a custom series, since bars have no error bars of their own. */
function whiskers(rows: BeforeAfterRow[]): CustomSeriesOption {
  const data: [number, number, number, number][] = [];
  rows.forEach((row, index) => {
    if (row.before?.stderr) data.push([index, row.before.value - row.before.stderr, row.before.value + row.before.stderr, -1]);
    if (row.after?.stderr) data.push([index, row.after.value - row.after.stderr, row.after.value + row.after.stderr, 1]);
  });
  return {
    type: "custom",
    name: "± stderr",
    silent: true,
    z: 5,
    encode: { x: 0, y: [1, 2] },
    data,
    renderItem: (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI): CustomSeriesRenderItemReturn => {
      const band = (api.size!([1, 0]) as number[])[0];
      const dx = Number(api.value(3)) * OFFSET * band;
      const [x, low] = api.coord([api.value(0), api.value(1)]);
      const [, high] = api.coord([api.value(0), api.value(2)]);
      const cap = Math.max(3, band * 0.05);
      const style = { stroke: "#52525b", lineWidth: 1.2 };
      return {
        type: "group",
        children: [
          { type: "line", shape: { x1: x + dx, y1: low, x2: x + dx, y2: high }, style },
          { type: "line", shape: { x1: x + dx - cap, y1: low, x2: x + dx + cap, y2: low }, style },
          { type: "line", shape: { x1: x + dx - cap, y1: high, x2: x + dx + cap, y2: high }, style },
        ],
      };
    },
  };
}

export function buildBeforeAfterOption(panel: BeforeAfterPanel): ResearchOption {
  const bars = (name: string, pick: (row: BeforeAfterRow) => number | null, color: string): BarSeriesOption => ({
    type: "bar",
    name,
    data: panel.rows.map((row) => pick(row) ?? "-"),
    color,
    barWidth: `${BAR_WIDTH * 100}%`,
    barGap: `${BAR_GAP * 100}%`,
    label: { show: true, position: "top", fontSize: 11, formatter: (p: { value?: unknown }) => formatMetric(Number(p.value)), color: "inherit" },
  });
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 56, bottom: 56 },
    legend: legend(["latest checkpoint", "merged"]),
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: tooltip(panel.rows) },
    xAxis: { type: "category", data: panel.rows.map(runLabel), axisLabel: { interval: 0, fontSize: 11 } },
    // Bars start at zero: a truncated axis would exaggerate the gain; the labels carry the exact values.
    yAxis: { ...metricAxis(panel.metric), scale: false },
    series: [bars("latest checkpoint", (r) => r.before?.value ?? null, roleColors.before), bars("merged", (r) => r.after?.value ?? null, roleColors.after), whiskers(panel.rows)],
  };
}

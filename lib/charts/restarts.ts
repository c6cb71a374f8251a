import type { LineSeriesOption } from "echarts/charts";
import type { RestartLine, RestartWindow } from "../analysis/restarts";
import { formatCount } from "../format";
import { escapeHtml, largeMode, LONG_SERIES, tokenZoom, type ResearchOption } from "./common";
import { formatMetric } from "./format";
import { roleColors, seriesColors } from "./theme";

/**
 * Training loss and grad norm around a spike, with the runs restarted from before it (paper Fig. 7): one panel
 * per series, stacked, sharing the token axis and its zoom; the fork point marked on each. The grad norm spans
 * orders of magnitude across a spike, so its axis is logarithmic when every value is positive.
 */
/** Panels share the space between the legend and the zoom slider (in % of the chart's height). */
const PLOT_TOP = 10;
const PLOT_BOTTOM = 86;
const PANEL_GAP = 7;
const SERIES_LABEL: Record<string, string> = { loss: "training loss", grad_norm: "grad norm", lr: "learning rate" };

function colorOf(line: RestartLine, index: number): string {
  if (line.role === "original") return roleColors.original;
  if (line.kind === "pma-init") return roleColors.pmaInit;
  if (line.kind === "rollback") return roleColors.rollback;
  return seriesColors.branches[index % seriesColors.branches.length];
}

export function restartLineName(line: RestartLine): string {
  if (line.role === "original") return `${line.name} (original)`;
  const kind = line.kind === "pma-init" ? `PMA-init${line.init ? `: ${line.init}` : ""}` : (line.kind ?? "restart");
  return `${line.name} (${kind})`;
}

interface TooltipParam {
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
  axisValue?: unknown;
}

function tooltip(raw: unknown): string {
  const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
  if (params.length === 0) return "";
  const x = Number(params[0].axisValue ?? (params[0].value as number[] | undefined)?.[0]);
  const rows = params.map((p) => `${String(p.marker ?? "")}${escapeHtml(p.seriesName ?? "")}: <b>${formatMetric((p.value as number[] | undefined)?.[1])}</b>`);
  return [`${formatCount(x)} tokens`, ...rows].join("<br/>");
}

export function buildRestartOption(window: RestartWindow): ResearchOption {
  const panels = window.panels;
  const names = [...new Set(panels.flatMap((p) => p.lines.map(restartLineName)))];
  const axisIndexes = panels.map((_, i) => i);
  const height = (PLOT_BOTTOM - PLOT_TOP - PANEL_GAP * (panels.length - 1)) / panels.length;
  const series: LineSeriesOption[] = panels.flatMap((panel, panelIndex) =>
    panel.lines.map((line, lineIndex) => ({
      type: "line",
      id: `${panel.series}:${line.name}`,
      name: restartLineName(line),
      xAxisIndex: panelIndex,
      yAxisIndex: panelIndex,
      data: line.points,
      color: colorOf(line, lineIndex),
      lineStyle: { width: line.role === "original" ? 1.2 : 1.6 },
      z: line.role === "original" ? 2 : 3,
      ...largeMode(line.points.length),
      showSymbol: false,
      // The fork point, once per panel: where the restarts left the original run.
      markLine:
        lineIndex === 0
          ? {
              symbol: "none",
              silent: true,
              lineStyle: { color: roleColors.reference, type: "dotted", width: 1 },
              label: { formatter: `fork ${formatCount(window.fork)}`, fontSize: 10, color: roleColors.reference },
              data: [{ xAxis: window.fork }],
            }
          : undefined,
    })),
  );
  const positive = (i: number) => panels[i].lines.every((l) => l.points.every(([, y]) => y > 0));
  return {
    animation: false,
    legend: { type: "scroll", top: 4, left: 8, right: 8, data: names },
    tooltip: { trigger: "axis", axisPointer: { type: "line" }, formatter: tooltip },
    axisPointer: { link: [{ xAxisIndex: "all" }] },
    grid: panels.map((_, i) => ({ left: 64, right: 32, top: `${PLOT_TOP + i * (height + PANEL_GAP)}%`, height: `${height}%` })),
    // Only the bottom panel labels the shared token axis.
    xAxis: panels.map((_, i) => {
      const last = i === panels.length - 1;
      return {
        type: "value" as const,
        gridIndex: i,
        name: last ? "training tokens" : "",
        nameLocation: "middle" as const,
        nameGap: 28,
        min: window.from,
        max: window.to,
        axisLabel: { show: last, formatter: (v: number) => formatCount(v), hideOverlap: true },
      };
    }),
    yAxis: panels.map((panel, i) => ({
      type: positive(i) && panel.series === "grad_norm" ? "log" : "value",
      gridIndex: i,
      name: SERIES_LABEL[panel.series] ?? panel.series,
      scale: true,
      axisLabel: { formatter: (v: number) => formatMetric(v) },
    })),
    dataZoom: tokenZoom(axisIndexes, panels.some((p) => p.lines.some((l) => l.points.length > LONG_SERIES))),
    series,
  };
}

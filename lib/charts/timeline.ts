import type { LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  TooltipComponentOption,
} from "echarts/components";
import type { ComposeOption } from "echarts/core";
import { formatCount } from "../format";
import { formatLr, formatMetric } from "./format";
import { phaseBands, type PhaseBand } from "./phases";
import { tokensAt, valueAtStep, type LoggedPoint } from "./series";
import { phaseColors, seriesColors } from "./theme";

/**
 * The run page's checkpoint timeline: loss (left axis) and LR (right axis) against tokens, the
 * warmup / stable / decay bands, the registered checkpoints as marks, each branch's loss as its own line, and
 * the detected loss spikes (a dashed line where each starts, a triangle at its peak).
 */

export type TimelineOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | DataZoomComponentOption
>;

export interface TimelineCheckpoint {
  step: number;
  tokens: number | null;
  lr: number | null;
  phase: string | null;
}

export interface TimelineBranch {
  name: string;
  forkTokens: number | null;
  tokensPerStep: number | null;
  loss: LoggedPoint[];
}

/** A detected loss spike (lib/analysis/spikes.ts), numbered as the page and `pma-lab spikes` list them. */
export interface TimelineSpike {
  index: number;
  startStep: number;
  startTokens: number | null;
  peakStep: number;
  peakTokens: number | null;
  /** Not finite when the loss blew up (no peak marker then, only the start line). */
  peak: number;
}

/** Red reads as "something went wrong" on both surfaces and stays apart from the series colours. */
export const spikeColor = "#ef4444";

export interface TimelineInput {
  tokensPerStep: number | null;
  /** Declared schedule in steps; when absent the bands come from the checkpoints' phases. */
  schedule?: { warmupEnd: number; stableEnd: number; decayEnd?: number } | null;
  loss: LoggedPoint[];
  lr: LoggedPoint[];
  checkpoints: TimelineCheckpoint[];
  branches: TimelineBranch[];
  spikes?: TimelineSpike[];
}

type Pair = [number, number];

/** Whether anything can be drawn at all (the page shows an empty state otherwise). */
export function hasTimelineData(input: TimelineInput): boolean {
  return input.loss.length > 0 || input.lr.length > 0 || input.checkpoints.length > 0 || input.branches.some((b) => b.loss.length > 0);
}

/** "tokens" when any point can be placed on a token axis; "step" only when nothing carries tokens. */
export function timelineAxis(input: TimelineInput): "tokens" | "step" {
  if (input.tokensPerStep) return "tokens";
  const any = [...input.loss, ...input.lr, ...input.checkpoints].some((p) => p.tokens !== null);
  return any ? "tokens" : "step";
}

export function buildTimelineOption(input: TimelineInput): TimelineOption {
  const axis = timelineAxis(input);
  const xOf = (step: number, tokens: number | null, tps = input.tokensPerStep) =>
    axis === "step" ? step : tokensAt(step, tokens, tps);
  const toPairs = (points: LoggedPoint[], tps?: number | null): Pair[] =>
    points.flatMap((p) => {
      const x = xOf(p.step, p.tokens, tps ?? input.tokensPerStep);
      return x === null ? [] : [[x, p.value] as Pair];
    });

  const loss = toPairs(input.loss);
  const lr = input.lr.length > 0 ? toPairs(input.lr) : checkpointLr(input, xOf);
  const marks = checkpointMarks(input, xOf, loss.length > 0);
  const xs = [...loss, ...lr, ...marks.map((m) => m.value)].map((pair) => pair[0]);
  const bands = phaseBands(input, xOf, xs);

  const series: (LineSeriesOption | ScatterSeriesOption)[] = [
    { ...lineSeries("loss", loss, seriesColors.loss, 0), z: 3 },
    { ...lineSeries("LR", lr, seriesColors.lr, 1), step: input.lr.length > 0 ? undefined : "end", lineStyle: { width: 1.5, type: "dashed" } },
    {
      type: "scatter",
      name: "checkpoints",
      yAxisIndex: marks.some((m) => m.onLr) ? 1 : 0,
      data: marks.map((m) => ({ value: m.value, name: `step ${m.step}${m.phase ? ` · ${m.phase}` : ""}` })),
      symbol: "diamond",
      symbolSize: 9,
      itemStyle: { color: seriesColors.checkpoint, borderColor: "#ffffff", borderWidth: 1 },
      z: 5,
    },
    ...input.branches.map((branch, index) => branchSeries(branch, index, toPairs, axis === "tokens")),
    ...(input.spikes?.length ? [spikeSeries(input.spikes, xOf)] : []),
    bandSeries(bands),
  ];

  return {
    animation: false,
    grid: { left: 56, right: 64, top: 48, bottom: 72 },
    legend: { top: 8, data: ["loss", "LR", "checkpoints", ...input.branches.map((b) => b.name), ...(input.spikes?.length ? ["spikes"] : [])] },
    tooltip: { trigger: "axis", axisPointer: { type: "line" }, formatter: tooltipFormatter(axis) },
    xAxis: {
      type: "value",
      name: axis,
      nameLocation: "middle",
      nameGap: 28,
      // Start at 0 for a run trained from scratch, at the data for a branch or a resumed run; end at the last
      // point (no empty tail up to the next round number) and hide a label that would collide.
      min: (extent: { min: number; max: number }) => (extent.min <= 0.1 * extent.max ? 0 : extent.min),
      max: "dataMax",
      axisLabel: { formatter: (value: number) => formatCount(value), hideOverlap: true },
    },
    yAxis: [
      { type: "value", name: "loss", scale: true, axisLabel: { formatter: (value: number) => formatMetric(value) } },
      { type: "value", name: "LR", scale: false, splitLine: { show: false }, axisLabel: { formatter: (value: number) => formatLr(value) } },
    ],
    dataZoom: [
      { type: "inside", xAxisIndex: 0, filterMode: "none" },
      { type: "slider", xAxisIndex: 0, filterMode: "none", height: 18, bottom: 10 },
    ],
    series,
  };
}

function lineSeries(name: string, data: Pair[], color: string, yAxisIndex: number): LineSeriesOption {
  return { type: "line", name, data, yAxisIndex, showSymbol: false, sampling: "lttb", color, lineStyle: { width: 1.5 } };
}

function checkpointLr(input: TimelineInput, xOf: (step: number, tokens: number | null) => number | null): Pair[] {
  return input.checkpoints.flatMap((c) => {
    const x = xOf(c.step, c.tokens);
    return x === null || c.lr === null ? [] : [[x, c.lr] as Pair];
  });
}

/** Checkpoints sit on the loss curve; without a loss log they sit on the LR axis at their own LR. */
function checkpointMarks(input: TimelineInput, xOf: (step: number, tokens: number | null) => number | null, onLoss: boolean) {
  return input.checkpoints.flatMap((c) => {
    const x = xOf(c.step, c.tokens);
    const y = onLoss ? valueAtStep(input.loss, c.step) : c.lr;
    if (x === null || y === null) return [];
    return [{ value: [x, y] as Pair, step: c.step, phase: c.phase, onLr: !onLoss }];
  });
}

function branchSeries(
  branch: TimelineBranch,
  index: number,
  toPairs: (points: LoggedPoint[], tps?: number | null) => Pair[],
  onTokenAxis: boolean,
): LineSeriesOption {
  const color = seriesColors.branches[index % seriesColors.branches.length];
  // The fork point is a token count: it can only be marked on a token axis.
  const fork = onTokenAxis ? branch.forkTokens : null;
  return {
    ...lineSeries(branch.name, toPairs(branch.loss, branch.tokensPerStep), color, 0),
    // A function, not a string: ECharts would read {a}, {b}… in a string as template fields.
    endLabel: { show: true, formatter: () => branch.name, color, fontSize: 11 },
    markLine:
      fork === null
        ? undefined
        : {
            symbol: "none",
            silent: true,
            lineStyle: { color, type: "dotted", width: 1 },
            label: { formatter: `fork ${formatCount(fork)}`, color, fontSize: 10 },
            data: [{ xAxis: fork }],
          },
  };
}

/** Triangles at the spikes' peaks (on the loss axis) and a dashed line where each spike starts. */
function spikeSeries(spikes: TimelineSpike[], xOf: (step: number, tokens: number | null) => number | null): ScatterSeriesOption {
  const peaks = spikes.flatMap((spike) => {
    const x = xOf(spike.peakStep, spike.peakTokens);
    return x === null || !Number.isFinite(spike.peak) ? [] : [{ value: [x, spike.peak] as Pair, name: `spike ${spike.index} · from step ${spike.startStep}` }];
  });
  const starts = spikes.flatMap((spike) => {
    const x = xOf(spike.startStep, spike.startTokens);
    return x === null ? [] : [{ xAxis: x, name: `spike ${spike.index}` }];
  });
  return {
    type: "scatter",
    name: "spikes",
    yAxisIndex: 0,
    data: peaks,
    symbol: "triangle",
    symbolSize: 11,
    itemStyle: { color: spikeColor, borderColor: "#ffffff", borderWidth: 1 },
    z: 6,
    markLine: {
      symbol: "none",
      silent: true,
      lineStyle: { color: spikeColor, type: "dashed", width: 1 },
      label: { formatter: "{b}", color: spikeColor, fontSize: 10, position: "insideEndTop" },
      data: starts,
    },
  };
}

/** An empty line series that only carries the phase bands, so hiding "loss" in the legend keeps them. */
function bandSeries(bands: PhaseBand[]): LineSeriesOption {
  const markArea: MarkAreaComponentOption = {
    silent: true,
    label: { position: "insideTop", color: "#71717a", fontSize: 11 },
    data: bands.map((band) => [
      { name: band.phase, xAxis: band.start, itemStyle: { color: phaseColors[band.phase] ?? "rgba(113,113,122,0.08)" } },
      { xAxis: band.end },
    ]),
  };
  return { type: "line", name: "phases", data: [], markArea, z: 0 };
}

interface TooltipParam {
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
  name?: string;
  axisValue?: unknown;
}

/** ECharts puts a formatter's string into the tooltip as HTML: names from outside must be escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function tooltipFormatter(axis: "tokens" | "step") {
  return (raw: unknown): string => {
    const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    const x = Number(params[0]?.axisValue ?? (params[0]?.value as Pair | undefined)?.[0]);
    const rows = params
      .filter((p) => p.seriesName !== "phases")
      .map((p) => {
        const y = (p.value as Pair | undefined)?.[1];
        const text = p.seriesName === "LR" ? formatLr(y) : p.seriesName === "checkpoints" || p.seriesName === "spikes" ? `${p.name} · ${formatMetric(y)}` : formatMetric(y);
        return `${String(p.marker ?? "")}${escapeHtml(String(p.seriesName ?? ""))}: <b>${escapeHtml(text)}</b>`;
      });
    return [`${axis} ${formatCount(x)}`, ...rows].join("<br/>");
  };
}

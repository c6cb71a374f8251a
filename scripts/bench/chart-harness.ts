/**
 * Browser side of `npm run bench:chart`: bundled with the app's own option builder and the same ECharts parts
 * the chart wrapper registers, then timed inside headless Chromium. Nothing here touches the network.
 */
import { LineChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { init, registerTheme, use as registerParts, type EChartsType } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { restartWindow, type LogPoint } from "../../lib/analysis/restarts";
import { isLargeOption } from "../../lib/charts/export";
import { buildRestartOption } from "../../lib/charts/restarts";
import { chartTheme, themeName } from "../../lib/charts/theme";

registerParts([LineChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, CanvasRenderer]);
registerTheme(themeName("light"), chartTheme("light"));

export interface CaseResult {
  points: number;
  largeMode: boolean;
  firstRenderMs: number[];
  zoomMs: number[];
  panMs: number[];
  hoverMs: number[];
}

/** A loss curve with noise and a spike at 80 %, and two restarts from 60 % that recover. `points` in all. */
function makeWindow(points: number) {
  const restartLength = Math.round(points * 0.1);
  const originalLength = points - 2 * restartLength;
  let seed = 7;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648 - 0.5) * 0.08;
  const curve = (step: number) => 2.4 + 5 / Math.sqrt(1 + step / 50);
  const spikeAt = Math.round(originalLength * 0.8);
  const forkAt = Math.round(originalLength * 0.6);
  const log = (from: number, length: number, value: (step: number) => number): LogPoint[] => Array.from({ length }, (_, i) => ({ step: from + i, tokens: null, value: value(from + i) }));
  const original = { name: "original", tokensPerStep: 1024, logs: { loss: log(0, originalLength, (s) => curve(s) + noise() + (s >= spikeAt ? 3 : 0)) } };
  const restarts = ["pma-init", "rollback"].map((kind, k) => ({
    name: kind,
    kind,
    init: null,
    forkTokens: forkAt * 1024,
    tokensPerStep: 1024,
    logs: { loss: log(forkAt + 1, restartLength, (s) => curve(s) + noise() + 0.01 * k) },
  }));
  // The window clips the original run around the fork; keep it whole here so the chart holds every point.
  const window = restartWindow(original, restarts, ["loss"])!;
  window.from = 0;
  window.panels[0].lines[0].points = original.logs.loss.map((p) => [p.step * 1024, p.value]);
  return window;
}

/** First renders per case, and zoom / pan / pointer steps: enough for stable medians on a busy machine. */
const ROUNDS = 5;
const STEPS = 30;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timed(chart: EChartsType, act: () => void): number {
  const start = performance.now();
  act();
  // Paint now, synchronously: the time is the frame's whole cost (model update, layout, sampling, drawing).
  chart.getZr().flush();
  return performance.now() - start;
}

export function runCase(points: number, largeMode: boolean, element: HTMLElement): CaseResult {
  const window = makeWindow(points);
  let option = buildRestartOption(window);
  if (!largeMode) {
    // The same chart without large mode, to show what it buys: every point drawn, hover emphasis on, the zoom
    // window not filtering, full repaints.
    option = {
      ...option,
      series: (option.series as object[]).map((s) => ({ ...s, sampling: "none", emphasis: { disabled: false } })),
      dataZoom: (option.dataZoom as object[]).map((z) => ({ ...z, filterMode: "none" })),
    };
  }
  const result: CaseResult = { points, largeMode, firstRenderMs: [], zoomMs: [], panMs: [], hoverMs: [] };
  let chart: EChartsType | null = null;
  for (let round = 0; round < ROUNDS; round += 1) {
    chart?.dispose();
    const start = performance.now();
    chart = init(element, themeName("light"), { renderer: "canvas", useDirtyRect: largeMode && isLargeOption(option) });
    chart.setOption(option);
    chart.getZr().flush();
    result.firstRenderMs.push(performance.now() - start);
  }
  const c = chart!;
  // Zoom in from the whole run to 5 % of it, around the spike.
  for (let i = 1; i <= STEPS; i += 1) {
    const width = 100 - (i * 95) / STEPS;
    const start = Math.max(0, 70 - width / 2);
    result.zoomMs.push(timed(c, () => c.dispatchAction({ type: "dataZoom", start, end: Math.min(100, start + width) })));
  }
  // Pan a 20 % window across the run.
  for (let i = 0; i < STEPS; i += 1) {
    const start = (i * 80) / STEPS;
    result.panMs.push(timed(c, () => c.dispatchAction({ type: "dataZoom", start, end: start + 20 })));
  }
  c.dispatchAction({ type: "dataZoom", start: 0, end: 100 });
  c.getZr().flush();
  // Move the pointer across the plot: axis pointer and tooltip.
  const width = c.getWidth();
  for (let i = 0; i < STEPS; i += 1) {
    const x = 80 + ((width - 160) * i) / (STEPS - 1);
    result.hoverMs.push(timed(c, () => c.dispatchAction({ type: "showTip", x, y: 200 })));
  }
  c.dispose();
  return result;
}

(globalThis as unknown as { bench: unknown }).bench = { runCase, median };

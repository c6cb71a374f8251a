import type { EChartsCoreOption } from "echarts/core";
import { LONG_SERIES } from "./common";

/** Pure helpers for the chart wrapper's export and large mode, testable without a browser. */

/** "Score vs tokens: heldout/loss" → "score-vs-tokens-heldout-loss". */
export function chartFileName(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "chart";
}

function seriesLength(series: unknown): number {
  const data = (series as { data?: unknown }).data;
  return Array.isArray(data) ? data.length : ArrayBuffer.isView(data) ? (data as unknown as ArrayLike<number>).length : 0;
}

/** Whether any series is long enough for large mode (dirty-rect redraws in the wrapper). */
export function isLargeOption(option: EChartsCoreOption): boolean {
  const series = option.series;
  const list = Array.isArray(series) ? series : series ? [series] : [];
  return list.some((s) => seriesLength(s) > LONG_SERIES);
}

/**
 * The option an exported image renders: the chart as it is on screen (zoom, legend selection), on the card's
 * background instead of transparent, without animation so a static renderer captures the final frame, and with
 * the page's font named outright — a standalone SVG inherits none, and a fallback serif would overrun the
 * legend laid out for the page's font.
 */
export function exportOption(current: EChartsCoreOption, background: string, fontFamily?: string): EChartsCoreOption {
  // ECharts writes the family into a double-quoted style attribute as is: quoted names must use single quotes.
  const font = fontFamily ? { textStyle: { ...(current.textStyle as object | undefined), fontFamily: fontFamily.replace(/"/g, "'") } } : {};
  return { ...current, ...font, backgroundColor: background, animation: false };
}

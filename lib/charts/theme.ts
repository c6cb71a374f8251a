/**
 * The chart themes that match the app's light and dark surfaces. Plain data (an ECharts theme object), so the
 * page's chart wrapper and the server-side report renderer register the same thing.
 */

export type ChartMode = "light" | "dark";

interface Surface {
  text: string;
  muted: string;
  line: string;
  grid: string;
  tooltip: string;
}

const surfaces: Record<ChartMode, Surface> = {
  light: { text: "#27272a", muted: "#71717a", line: "#d4d4d8", grid: "#f0f0f2", tooltip: "#ffffff" },
  dark: { text: "#e4e4e7", muted: "#a1a1aa", line: "#3f3f46", grid: "#26262b", tooltip: "#18181b" },
};

/** Series colours readable on both surfaces (Tailwind 500-ish hues). */
export const seriesColors = {
  loss: "#3b82f6",
  lr: "#f59e0b",
  checkpoint: "#10b981",
  branches: ["#a855f7", "#ec4899", "#14b8a6", "#f97316", "#6366f1", "#84cc16"],
} as const;

/**
 * What each kind of line stands for in the research charts, the same on every chart: the un-merged checkpoint is
 * a quiet slate, the merge the accent blue, anneals pink; a restarted run's original trajectory is slate too.
 */
export const roleColors = {
  latest: "#64748b",
  merged: "#3b82f6",
  annealed: "#ec4899",
  original: "#64748b",
  pmaInit: "#3b82f6",
  rollback: "#f59e0b",
  before: "#94a3b8",
  after: "#3b82f6",
  reference: "#a1a1aa",
} as const;

/** Annealed branches, one hue each, starting from the annealed role colour. */
export const annealedColors = [roleColors.annealed, "#a855f7", "#14b8a6", "#f97316", "#6366f1", "#84cc16", "#ef4444"] as const;

/** Settings compared side by side (schemes, N, V): distinct hues readable on both surfaces. */
export const categoricalColors = ["#3b82f6", "#f59e0b", "#10b981", "#a855f7", "#ec4899", "#14b8a6", "#f97316", "#6366f1", "#84cc16", "#ef4444"] as const;

/** "#3b82f6" at 20 % → "rgba(59, 130, 246, 0.2)": stderr bands under their line. */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** Translucent phase bands: light enough to sit under lines on either surface. */
export const phaseColors: Record<string, string> = {
  warmup: "rgba(245, 158, 11, 0.10)",
  stable: "rgba(59, 130, 246, 0.06)",
  decay: "rgba(236, 72, 153, 0.10)",
};

/** The card surface charts sit on (globals.css --surface): exported images get it as their background. */
export const exportBackground: Record<ChartMode, string> = { light: "#ffffff", dark: "#141417" };

export function themeName(mode: ChartMode): string {
  return `pma-${mode}`;
}

export function chartTheme(mode: ChartMode): Record<string, unknown> {
  const s = surfaces[mode];
  const axis = {
    axisLine: { lineStyle: { color: s.line } },
    axisTick: { lineStyle: { color: s.line } },
    axisLabel: { color: s.muted },
    splitLine: { lineStyle: { color: s.grid } },
    nameTextStyle: { color: s.muted },
  };
  return {
    backgroundColor: "transparent",
    color: [seriesColors.loss, seriesColors.lr, seriesColors.checkpoint, ...seriesColors.branches],
    textStyle: { color: s.text, fontFamily: "inherit" },
    valueAxis: axis,
    categoryAxis: axis,
    logAxis: axis,
    legend: { textStyle: { color: s.text }, inactiveColor: s.line },
    tooltip: {
      backgroundColor: s.tooltip,
      borderColor: s.line,
      textStyle: { color: s.text, fontSize: 12 },
      extraCssText: "border-radius: 8px; box-shadow: 0 4px 16px rgba(0,0,0,0.12); font-variant-numeric: tabular-nums;",
      axisPointer: { lineStyle: { color: s.muted }, crossStyle: { color: s.muted } },
    },
    dataZoom: {
      borderColor: s.line,
      textStyle: { color: s.muted },
      fillerColor: mode === "dark" ? "rgba(59,130,246,0.18)" : "rgba(59,130,246,0.12)",
      dataBackground: { lineStyle: { color: s.muted }, areaStyle: { color: s.grid } },
      handleStyle: { color: s.tooltip, borderColor: s.muted },
      moveHandleStyle: { color: s.line },
    },
  };
}

"use client";

import { useEffect, useRef, useSyncExternalStore } from "react";
import { LineChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { init, registerTheme, use as registerParts, type EChartsCoreOption, type EChartsType } from "echarts/core";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";
import { chartTheme, themeName, type ChartMode } from "../../lib/charts/theme";

// Only the parts the option builders use: keeps the client bundle small (practice 9).
registerParts([LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkAreaComponent, MarkLineComponent, CanvasRenderer, SVGRenderer]);
registerTheme(themeName("light"), chartTheme("light"));
registerTheme(themeName("dark"), chartTheme("dark"));

const darkQuery = "(prefers-color-scheme: dark)";

function subscribeToScheme(onChange: () => void): () => void {
  const media = window.matchMedia(darkQuery);
  media.addEventListener("change", onChange);
  return () => media.removeEventListener("change", onChange);
}

function useColorMode(): ChartMode {
  return useSyncExternalStore(
    subscribeToScheme,
    () => (window.matchMedia(darkQuery).matches ? "dark" : "light"),
    () => "light",
  );
}

export interface EChartProps {
  option: EChartsCoreOption;
  /** CSS height of the chart; the width follows the container. */
  height?: number | string;
  renderer?: "canvas" | "svg";
  /** What the chart shows, for screen readers. */
  label: string;
}

/** The one ECharts wrapper: renders an option built by `lib/charts`, follows the colour scheme and resizes. */
export function EChart({ option, height = 360, renderer = "canvas", label }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  const mode = useColorMode();

  // (Re)create the instance when the renderer or colour scheme changes; themes apply at init.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element, themeName(mode), { renderer });
    instance.setOption(latest.current);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [renderer, mode]);

  useEffect(() => {
    latest.current = option;
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={container} role="img" aria-label={label} data-chart className="w-full" style={{ height }} />;
}

"use client";

import { useEffect, useRef } from "react";
import { BarChart, CustomChart, LineChart, ScatterChart } from "echarts/charts";
import { DataZoomComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { init, registerTheme, use as registerParts, type EChartsCoreOption, type EChartsType } from "echarts/core";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";
import { chartFileName, exportOption, isLargeOption } from "../../lib/charts/export";
import { chartTheme, exportBackground, themeName, type ChartMode } from "../../lib/charts/theme";
import { useColorMode } from "./color-mode";

// Only the parts the option builders use: keeps the client bundle small (practice 9).
registerParts([
  LineChart,
  ScatterChart,
  BarChart,
  CustomChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  MarkAreaComponent,
  MarkLineComponent,
  CanvasRenderer,
  SVGRenderer,
]);
registerTheme(themeName("light"), chartTheme("light"));
registerTheme(themeName("dark"), chartTheme("dark"));

export interface EChartProps {
  option: EChartsCoreOption;
  /** CSS height of the chart; the width follows the container. */
  height?: number | string;
  renderer?: "canvas" | "svg";
  /** What the chart shows, for screen readers; also names exported files. */
  label: string;
  /** Base name of exported files (default: from the label). */
  fileName?: string;
  /** Show the PNG / SVG export buttons (default true). */
  exportable?: boolean;
}

function download(href: string, name: string): void {
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** The chart as on screen, rendered again by ECharts' SVG renderer (no DOM needed), as an SVG document. */
function renderSvg(instance: EChartsType, mode: ChartMode): string {
  const svg = init(null, themeName(mode), { renderer: "svg", ssr: true, width: instance.getWidth(), height: instance.getHeight() });
  try {
    const font = getComputedStyle(instance.getDom()).fontFamily;
    svg.setOption(exportOption(instance.getOption() as EChartsCoreOption, exportBackground[mode], font));
    return svg.renderToSVGString();
  } finally {
    svg.dispose();
  }
}

/**
 * The one ECharts wrapper: renders an option built by `lib/charts`, follows the colour scheme, resizes, exports
 * PNG and SVG, and marks itself `data-rendered="true"` once ECharts has finished drawing (tests wait on it).
 * Options with long series get dirty-rect redraws, so a tooltip or a zoom repaints only what changed.
 */
export function EChart({ option, height = 360, renderer = "canvas", label, fileName, exportable = true }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  const mode = useColorMode();
  const large = isLargeOption(option);

  // (Re)create the instance when the renderer, colour scheme or large mode changes; themes apply at init.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element, themeName(mode), { renderer, useDirtyRect: large && renderer === "canvas" });
    instance.on("finished", () => element.setAttribute("data-rendered", "true"));
    element.setAttribute("data-rendered", "false");
    instance.setOption(latest.current);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [renderer, mode, large]);

  useEffect(() => {
    if (latest.current === option) return;
    latest.current = option;
    container.current?.setAttribute("data-rendered", "false");
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  const base = fileName ?? chartFileName(label);
  const savePng = () => {
    const instance = chart.current;
    if (instance) download(instance.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: exportBackground[mode] }), `${base}.png`);
  };
  const saveSvg = () => {
    const instance = chart.current;
    if (!instance) return;
    const url = URL.createObjectURL(new Blob([renderSvg(instance, mode)], { type: "image/svg+xml" }));
    download(url, `${base}.svg`);
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const button = "rounded-md border border-line px-2 py-0.5 text-xs text-muted transition-colors hover:bg-subtle hover:text-fg";
  return (
    <div className="w-full">
      {exportable ? (
        <div role="group" aria-label={`Export ${label}`} className="mb-1 flex justify-end gap-1.5">
          <button type="button" className={button} onClick={savePng} aria-label="Download PNG" title={`Download ${label} as PNG`}>
            PNG
          </button>
          <button type="button" className={button} onClick={saveSvg} aria-label="Download SVG" title={`Download ${label} as SVG`}>
            SVG
          </button>
        </div>
      ) : null}
      <div ref={container} role="img" aria-label={label} data-chart data-rendered="false" className="w-full" style={{ height }} />
    </div>
  );
}

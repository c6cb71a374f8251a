import { LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent } from "echarts/components";
import { init, use as registerParts } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { PmaError } from "../errors";
import type { ChartSpec } from "./chart-spec";
import { buildReportChartOption } from "./charts";

/**
 * Figures as inline SVG, rendered on the server by ECharts' SSR renderer from the report's option builders. The
 * output is checked before it goes anywhere: a report must stay inert (no scripts, no handlers, no links out).
 */
registerParts([LineChart, ScatterChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export const FIGURE_SIZE = { width: 760, height: 340 };

export function renderChartSvg(spec: ChartSpec, size = FIGURE_SIZE): string {
  const chart = init(null, null, { renderer: "svg", ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(buildReportChartOption(spec));
    return assertInertSvg(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

const FORBIDDEN = [/<script/i, /<foreignObject/i, /\son[a-z]+\s*=/i, /(?:xlink:)?href\s*=\s*["']?\s*(?!#)/i, /javascript:/i, /<iframe/i, /url\(\s*['"]?(?!#)/i];

/** Throws unless the SVG is inert: ECharts escapes text, and this makes sure nothing else slipped in. */
export function assertInertSvg(svg: string): string {
  const hit = FORBIDDEN.find((pattern) => pattern.test(svg));
  if (hit) throw new PmaError("report_unsafe_svg", `a rendered figure contains markup a report must not carry (${hit.source})`);
  return svg;
}

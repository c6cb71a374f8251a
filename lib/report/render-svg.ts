import { BarChart, CustomChart, LineChart, ScatterChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkLineComponent } from "echarts/components";
import { init, registerTheme, use as registerParts } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { chartTheme, themeName } from "../charts/theme";
import { PmaError } from "../errors";
import type { ChartSpec } from "./chart-spec";
import { buildReportChartOption, figureSize } from "./charts";

/**
 * Figures as inline SVG, rendered on the server by ECharts' SSR renderer from the report's option builders. The
 * output is checked before it goes anywhere: a report must stay inert (no scripts, no handlers, no links out).
 */
registerParts([LineChart, ScatterChart, BarChart, CustomChart, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);
// The pages' light theme: a report figure looks like the chart on the page.
registerTheme(themeName("light"), chartTheme("light"));

export function renderChartSvg(spec: ChartSpec, size = figureSize(spec)): string {
  const chart = init(null, themeName("light"), { renderer: "svg", ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(buildReportChartOption(spec));
    return assertInertSvg(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/** Elements that run, embed or navigate; attributes that link or load out of the file. */
const FORBIDDEN_TAG = /^<\/?(script|foreignObject|iframe|a|use|image|animate|set)\b/i;
const FORBIDDEN_VALUE = [/href\s*=\s*["']?\s*(?!#)/i, /url\(\s*['"]?(?!#)/i];
/** Event handlers, looked for outside quoted attribute values (escaped text there is harmless). */
const HANDLER = /\son[a-z]+\s*=/i;

/**
 * Throws unless the SVG is inert. ECharts escapes text (so no "<" survives outside a tag); this checks every tag
 * it wrote, so a future renderer change cannot slip markup into a report unnoticed.
 */
export function assertInertSvg(svg: string): string {
  for (const [tag] of svg.matchAll(/<[^>]*>/g)) {
    const bare = tag.replace(/"[^"]*"|'[^']*'/g, '""');
    if (FORBIDDEN_TAG.test(tag) || HANDLER.test(bare) || FORBIDDEN_VALUE.some((pattern) => pattern.test(tag))) {
      throw new PmaError("report_unsafe_svg", `a rendered figure contains markup a report must not carry: ${tag.slice(0, 80)}`);
    }
  }
  return svg;
}

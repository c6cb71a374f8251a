import type { LineSeriesOption } from "echarts/charts";
import type { ScoreSeries } from "../analysis/types";
import type { ComparisonPanel } from "../analysis/panels";
import type { ScoreVsTokens } from "../analysis/score-vs-tokens";
import { legend, metricAxis, scoreLine, scoreTooltip, stderrBand, tokensAxis, tokenZoom, type ScoreLineSpec, type ResearchOption } from "./common";
import { annealedColors, categoricalColors, roleColors } from "./theme";

/**
 * Score against training tokens. `buildScoreVsTokensOption`: the latest checkpoint, one PMA merge and the annealed
 * branches (paper Fig. 2/3). `buildPanelOption`: one grid axis varied with the other two held — the scheme
 * comparison (Fig. 4), the V and N panels (Fig. 5) — over the same latest-checkpoint baseline.
 */

function lineWithBand(spec: ScoreLineSpec): LineSeriesOption[] {
  return [scoreLine(spec), ...stderrBand(spec)];
}

function baseOption(metric: ScoreVsTokens["metric"], names: string[], series: LineSeriesOption[]): ResearchOption {
  return {
    animation: false,
    grid: { left: 64, right: 32, top: 56, bottom: 64 },
    legend: legend(names),
    tooltip: { trigger: "axis", axisPointer: { type: "line" }, formatter: scoreTooltip() },
    xAxis: tokensAxis(),
    yAxis: metricAxis(metric),
    dataZoom: tokenZoom(),
    series,
  };
}

function baseline(series: ScoreSeries): ScoreLineSpec {
  return { id: series.key, name: series.label, points: series.points, color: roleColors.latest, dashed: true, width: 1.5 };
}

export function buildScoreVsTokensOption(result: ScoreVsTokens): ResearchOption {
  const specs: ScoreLineSpec[] = [baseline(result.latest)];
  if (result.merged) specs.push({ id: result.merged.key, name: `PMA ${result.merged.label}`, points: result.merged.points, color: roleColors.merged, width: 2.5 });
  result.annealed.forEach((branch, index) => {
    specs.push({ id: branch.key, name: branch.label, points: branch.points, color: annealedColors[index % annealedColors.length], symbol: "diamond" });
  });
  return baseOption(result.metric, specs.map((s) => s.name), specs.flatMap(lineWithBand));
}

export function buildPanelOption(panel: ComparisonPanel): ResearchOption {
  const specs: ScoreLineSpec[] = [
    baseline(panel.baseline),
    ...panel.series.map((s, index) => ({ id: s.key, name: s.label, points: s.points, color: categoricalColors[index % categoricalColors.length] })),
  ];
  return baseOption(panel.metric, specs.map((s) => s.name), specs.flatMap(lineWithBand));
}

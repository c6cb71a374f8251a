import type { LineSeriesOption, ScatterSeriesOption } from "echarts/charts";
import type { Prediction } from "../analysis/prediction";
import type { SeriesPoint } from "../analysis/types";
import { formatCount } from "../format";
import { escapeHtml, legend, metricAxis, metricAxisName, scoreLine, scoreTooltip, stderrBand, tokensAxis, type ScoreLineSpec, type ResearchOption } from "./common";
import { formatMetric, formatSigned, formatWithStderr } from "./format";
import { roleColors } from "./theme";

/**
 * The annealing prediction, two ways. Scatter: each fork point T is a dot at (merged at T, annealed from T) —
 * on the diagonal the merge predicted the anneal exactly; the latest checkpoint at T is drawn too, as the
 * predictor to beat. Line: the same three numbers against the fork point's tokens.
 */

/** [predicted, annealed, fork tokens, predicted stderr, annealed stderr]. */
type PredictionPoint = [number, number, number, number | null, number | null];

interface ItemParam {
  seriesName?: string;
  name?: string;
  marker?: unknown;
  value?: unknown;
}

function scatterTooltip(raw: unknown): string {
  const p = raw as ItemParam;
  const [predicted, annealed, fork, predictedStderr, annealedStderr] = (p.value as PredictionPoint | undefined) ?? [];
  if (predicted === undefined || annealed === undefined) return "";
  return [
    `${String(p.marker ?? "")}<b>T = ${formatCount(fork)}</b> · ${escapeHtml(p.name ?? "")}`,
    `${escapeHtml(p.seriesName ?? "")}: <b>${formatWithStderr(predicted, predictedStderr)}</b>`,
    `annealed (final): <b>${formatWithStderr(annealed, annealedStderr)}</b>`,
    `error: <b>${formatSigned(predicted - annealed)}</b>`,
  ].join("<br/>");
}

/** A square range holding every value with 8 % margin, so the diagonal is the diagonal. */
function sharedRange(values: number[]): { min: number; max: number } {
  if (values.length === 0) return { min: 0, max: 1 };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return { min: lo - pad, max: hi + pad };
}

export function buildPredictionScatterOption(prediction: Prediction): ResearchOption {
  const merged: PredictionPoint[] = prediction.rows.map((r) => [r.merged.value, r.annealed.value, r.fork, r.merged.stderr, r.annealed.stderr]);
  const latest: PredictionPoint[] = prediction.rows.flatMap((r) => (r.latest ? [[r.latest.value, r.annealed.value, r.fork, r.latest.stderr, r.annealed.stderr] as PredictionPoint] : []));
  const names = prediction.rows.map((r) => r.branch);
  const range = sharedRange([...merged, ...latest].flatMap((p) => [p[0], p[1]]));
  // Only the merge's dots carry the fork label: the latest checkpoint's sit beside them and would collide.
  const dots = (name: string, points: PredictionPoint[], color: string, symbol: string, size: number, labelled: boolean): ScatterSeriesOption => ({
    type: "scatter",
    name,
    data: points.map((value) => ({ value, name: names[prediction.rows.findIndex((r) => r.fork === value[2])] })),
    symbol,
    symbolSize: size,
    itemStyle: { color, borderColor: "#ffffff", borderWidth: 1 },
    label: { show: labelled, position: "right", fontSize: 10, formatter: (p: { value?: unknown }) => formatCount((p.value as PredictionPoint)[2]) },
    z: 3,
  });
  const diagonal: LineSeriesOption = {
    type: "line",
    name: "exact prediction",
    data: [
      [range.min, range.min],
      [range.max, range.max],
    ],
    symbol: "none",
    silent: true,
    color: roleColors.reference,
    lineStyle: { type: "dashed", width: 1 },
    tooltip: { show: false },
    z: 1,
  };
  // The padded ends are not round numbers: label the ticks inside them only.
  const axis = (name: string) => ({
    type: "value" as const,
    name,
    nameLocation: "middle" as const,
    nameGap: 36,
    min: range.min,
    max: range.max,
    axisLabel: { formatter: (v: number) => formatMetric(v), showMinLabel: false, showMaxLabel: false },
  });
  const metric = metricAxisName(prediction.metric);
  return {
    animation: false,
    grid: { left: 72, right: 48, top: 56, bottom: 56 },
    legend: legend(["PMA merge at T", "latest checkpoint at T", "exact prediction"]),
    tooltip: { trigger: "item", formatter: scatterTooltip },
    xAxis: axis(`predicted at T: ${metric}`),
    yAxis: axis(`annealed from T`),
    series: [diagonal, dots("latest checkpoint at T", latest, roleColors.latest, "circle", 8, false), dots("PMA merge at T", merged, roleColors.merged, "circle", 12, true)],
  };
}

export function buildPredictionLineOption(prediction: Prediction): ResearchOption {
  const at = (pick: (r: Prediction["rows"][number]) => { value: number; stderr: number | null } | null): SeriesPoint[] =>
    prediction.rows.flatMap((r) => {
      const score = pick(r);
      return score ? [{ tokens: r.fork, value: score.value, stderr: score.stderr }] : [];
    });
  const specs: ScoreLineSpec[] = [
    { id: "latest", name: "latest checkpoint at T", points: at((r) => r.latest), color: roleColors.latest, dashed: true, width: 1.5 },
    { id: "merged", name: "PMA merge at T", points: at((r) => r.merged), color: roleColors.merged, width: 2.5 },
    { id: "annealed", name: "annealed from T (final)", points: at((r) => r.annealed), color: roleColors.annealed, symbol: "diamond" },
  ];
  return {
    animation: false,
    grid: { left: 64, right: 32, top: 56, bottom: 48 },
    legend: legend(specs.map((s) => s.name)),
    tooltip: { trigger: "axis", formatter: scoreTooltip("tokens (fork point T)") },
    xAxis: tokensAxis("fork point T (tokens)"),
    yAxis: metricAxis(prediction.metric),
    series: specs.flatMap((spec) => [{ ...scoreLine(spec), showSymbol: true }, ...stderrBand(spec)]),
  };
}

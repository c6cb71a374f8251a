import type { ComparisonPanel, Prediction, RestartWindow, ScoreVsTokens } from "../analysis";

/**
 * What a report figure shows, as plain data (it is part of the hashed document): the lib/analysis result a page
 * chart is built from, or — for the size fit, which no page draws — its own points. lib/report/charts.ts turns a
 * spec into an ECharts option with the same lib/charts builders the pages use; the option's formatters are
 * functions and never enter the hash.
 */
export type Pair = [number, number];

export type SeriesRole = "paper" | "fit" | "ours" | "ours-fit";

export interface LineSeriesSpec {
  name: string;
  role: SeriesRole;
  points: Pair[];
  /** Draw as separate markers instead of a line. */
  scatter?: boolean;
}

/** Best interval V against model size on log axes, ours beside the paper's reference points. */
export interface SizeChartSpec {
  kind: "size";
  series: LineSeriesSpec[];
}

export type ChartSpec =
  | { kind: "score-vs-tokens"; data: ScoreVsTokens }
  | { kind: "panel"; data: ComparisonPanel }
  | { kind: "prediction"; data: Prediction }
  | { kind: "restarts"; data: RestartWindow }
  | SizeChartSpec;

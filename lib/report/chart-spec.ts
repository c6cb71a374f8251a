/**
 * What a report figure shows, as plain data (it is part of the hashed document). lib/report/charts.ts turns a spec
 * into an ECharts option at render time; the option's formatters are functions and never enter the hash.
 */
export type Pair = [number, number];

export type SeriesRole = "latest" | "merged" | "annealed" | "group" | "restart" | "parent" | "paper" | "fit" | "ours";

export interface LineSeriesSpec {
  name: string;
  role: SeriesRole;
  points: Pair[];
  /** Draw as separate markers instead of a line. */
  scatter?: boolean;
}

/** Score (or gain) against training tokens: latest vs merged vs annealed, or one line per scheme / N / V. */
export interface TokensChartSpec {
  kind: "tokens";
  yLabel: string;
  /** For gains: a zero line ("no better than the latest checkpoint"). */
  zeroLine: boolean;
  lowerIsBetter: boolean;
  series: LineSeriesSpec[];
}

/** Merged at the fork point (x) against the annealed branch's end (y), with the y = x line. */
export interface PredictionChartSpec {
  kind: "prediction";
  xLabel: string;
  yLabel: string;
  points: { name: string; x: number; y: number }[];
}

/** Best interval V against model size on log axes, ours beside the paper's reference points. */
export interface SizeChartSpec {
  kind: "size";
  series: LineSeriesSpec[];
}

/** Training loss around a spike: the original run and its restarts. */
export interface LossChartSpec {
  kind: "loss";
  xLabel: string;
  yLabel: string;
  series: LineSeriesSpec[];
  markers: { x: number; label: string }[];
}

export type ChartSpec = TokensChartSpec | PredictionChartSpec | SizeChartSpec | LossChartSpec;

/**
 * The plain data the analysis works on: scores of a run's own checkpoints, of its merged models (sweep cells)
 * and of its annealed branches. No database rows, no I/O — loaders (lib/analysis-data) build these from the
 * database, tests build them by hand, and a report can build them from a snapshot.
 */

/** One metric's value for one model. `stderr` and `n` are null where the evaluator did not say. */
export interface Score {
  value: number;
  stderr: number | null;
  n: number | null;
}

/** Metric name → score. */
export type Scores = Readonly<Record<string, Score>>;

export interface MetricInfo {
  name: string;
  /** Null where nobody states the direction: comparisons that need one then say "unknown" instead of guessing. */
  higherIsBetter: boolean | null;
  /** A weighted average of other metrics (the evaluators config's composites). */
  composite: boolean;
}

/** A checkpoint of a run, scored or not (an unscored one still decides which checkpoint is "latest" at T). */
export interface ScoredCheckpoint {
  id: number;
  step: number;
  tokens: number;
  scores: Scores;
}

/** Which merge: the weighting scheme's CLI token ("sma", "wma", "ema:0.2", "ema:0.2:closed"), N and V (tokens). */
export interface MergeConfig {
  scheme: string;
  n: number;
  interval: number;
}

/** A merged model: a sweep cell at merge point T. */
export interface ScoredCell extends MergeConfig {
  id: number;
  /** T, tokens. */
  point: number;
  scores: Scores;
}

/** An annealed branch forked from the run at `forkTokens`, with its own checkpoints. */
export interface ScoredBranch {
  name: string;
  forkTokens: number;
  checkpoints: ScoredCheckpoint[];
}

/** Everything the sweep charts, the prediction and the before/after bars read about one run. */
export interface RunScores {
  run: string;
  /** Model size in parameters, where known. */
  params: number | null;
  metrics: MetricInfo[];
  checkpoints: ScoredCheckpoint[];
  cells: ScoredCell[];
  annealed: ScoredBranch[];
}

/** A point of a score series: x is training tokens. */
export interface SeriesPoint {
  tokens: number;
  value: number;
  stderr: number | null;
}

export type SeriesRole = "latest" | "merged" | "annealed";

export interface ScoreSeries {
  key: string;
  label: string;
  role: SeriesRole;
  points: SeriesPoint[];
}

import type { MetricInfo, RunScores, ScoredCell, ScoredCheckpoint, Scores } from "../../../lib/analysis";

/**
 * A small hand-made run for the analysis tests: checkpoints every 10 tokens, merges at T = 40, 60, 80 and
 * annealed branches forked at those points. Loss is lower-is-better, acc higher-is-better.
 */
export const metrics: MetricInfo[] = [
  { name: "loss", higherIsBetter: false, composite: false },
  { name: "acc", higherIsBetter: true, composite: false },
  { name: "mystery", higherIsBetter: null, composite: false },
];

export const loss = (value: number, stderr: number | null = null): Scores => ({ loss: { value, stderr, n: null } });

export function checkpoint(tokens: number, scores: Scores = {}): ScoredCheckpoint {
  return { id: tokens, step: tokens / 10, tokens, scores };
}

let nextCell = 1;
export function cell(scheme: string, n: number, interval: number, point: number, scores: Scores): ScoredCell {
  return { id: nextCell++, scheme, n, interval, point, scores };
}

export function fixtureRun(): RunScores {
  return {
    run: "main",
    params: 1000,
    metrics,
    checkpoints: [
      checkpoint(10),
      checkpoint(20, loss(3.6)),
      checkpoint(30),
      checkpoint(40, { ...loss(3.3, 0.02), acc: { value: 0.5, stderr: 0.01, n: 100 } }),
      checkpoint(50, loss(3.2)),
      checkpoint(60, loss(3.0)),
      // 70 is not scored: the baseline at T = 70 or 75 is this checkpoint, never an older scored one.
      checkpoint(70),
      checkpoint(80, loss(3.05)),
    ],
    cells: [
      cell("sma", 2, 10, 40, { ...loss(3.1, 0.03), acc: { value: 0.55, stderr: null, n: null } }),
      cell("sma", 2, 10, 60, loss(2.7)),
      cell("sma", 2, 10, 80, loss(2.6)),
      cell("wma", 2, 10, 40, loss(3.0)),
      cell("wma", 2, 10, 60, loss(2.75)),
      cell("ema:0.1", 2, 10, 40, loss(3.2)),
      cell("sma", 3, 10, 40, loss(3.15)),
      cell("sma", 3, 10, 60, loss(2.65)),
      cell("sma", 2, 20, 40, loss(3.25)),
      cell("sma", 2, 20, 60, {}),
    ],
    annealed: [
      { name: "anneal-60", forkTokens: 60, checkpoints: [checkpoint(70, loss(2.9)), checkpoint(80, loss(2.8))] },
      { name: "anneal-40", forkTokens: 40, checkpoints: [checkpoint(50, loss(3.1)), checkpoint(60, loss(3.0))] },
      { name: "anneal-80", forkTokens: 80, checkpoints: [checkpoint(90, loss(2.6)), checkpoint(100, loss(2.5))] },
      { name: "anneal-50", forkTokens: 50, checkpoints: [checkpoint(60, loss(3.0)), checkpoint(70)] },
    ],
  };
}

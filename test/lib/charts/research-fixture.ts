import type { RunScores } from "../../../lib/analysis";

/** A run with stderr on acc (not on loss), three schemes, two N, two V and two annealed branches. */
export function chartRun(): RunScores {
  const s = (value: number, stderr: number | null = null) => ({ value, stderr, n: null });
  const checkpoint = (tokens: number, loss: number, acc: number) => ({ id: tokens, step: tokens / 1000, tokens, scores: { loss: s(loss), acc: s(acc, 0.01) } });
  let id = 0;
  const cell = (scheme: string, n: number, interval: number, point: number, loss: number) => ({ id: (id += 1), scheme, n, interval, point, scores: { loss: s(loss), acc: s(1 - loss / 10, 0.02) } });
  return {
    run: "lm/<small>",
    params: 1.3e8,
    metrics: [
      { name: "acc", higherIsBetter: true, composite: false },
      { name: "loss", higherIsBetter: false, composite: false },
    ],
    checkpoints: [checkpoint(1e6, 3.2, 0.3), checkpoint(2e6, 3.0, 0.33), checkpoint(3e6, 2.9, 0.35), checkpoint(4e6, 2.85, 0.36)],
    cells: [
      cell("sma", 2, 1e6, 2e6, 2.9),
      cell("sma", 2, 1e6, 3e6, 2.8),
      cell("wma", 2, 1e6, 2e6, 2.88),
      cell("wma", 2, 1e6, 3e6, 2.82),
      cell("ema:0.2", 2, 1e6, 3e6, 2.81),
      cell("sma", 3, 1e6, 3e6, 2.78),
      cell("sma", 2, 2e6, 3e6, 2.84),
    ],
    annealed: [
      { name: "anneal-2M", forkTokens: 2e6, checkpoints: [{ id: 90, step: 3000, tokens: 3e6, scores: { loss: s(2.7), acc: s(0.4, 0.01) } }] },
      { name: "anneal-3M", forkTokens: 3e6, checkpoints: [{ id: 91, step: 4000, tokens: 4e6, scores: { loss: s(2.6), acc: s(0.42, 0.01) } }] },
    ],
  };
}

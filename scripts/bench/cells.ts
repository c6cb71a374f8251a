import { computeWeights, formatSchemeLabel, type SchemeSpec } from "../../lib/merge/weights";

/** The benchmark sweep: N ∈ {2, 4, 6, 8} × {SMA, WMA, EMA α=0.1, EMA α=0.2}, every window ending at the newest. */
export interface BenchCell {
  label: string;
  /** One per checkpoint, oldest first; 0 outside the window. */
  weights: number[];
}

const SCHEMES: SchemeSpec[] = [
  { scheme: "sma" },
  { scheme: "wma" },
  { scheme: "ema", alpha: 0.1, form: "recursive" },
  { scheme: "ema", alpha: 0.2, form: "recursive" },
];

export function sweepCells(checkpoints: number): BenchCell[] {
  const windows = [2, 4, 6, 8].filter((n) => n <= checkpoints);
  return windows.flatMap((n) =>
    SCHEMES.map((spec) => ({
      label: `N=${n} ${formatSchemeLabel(spec)}`,
      weights: [...new Array<number>(checkpoints - n).fill(0), ...computeWeights(spec, n)],
    })),
  );
}

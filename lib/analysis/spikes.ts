/**
 * Loss-spike detection over one training-log series (pure: points in, spikes out).
 *
 * The rule, at every logged point i (points sorted by step):
 *
 * - Baseline: the median m and the scaled MAD s = 1.4826·MAD (≈ σ for Gaussian noise) of the last `window`
 *   points before the evidence that are not themselves part of a spike. s is floored at `minScale`·|m|, so a
 *   noise-free curve is not flagged for a rounding wiggle. Nothing is flagged before `minHistory` such points.
 * - Sharp: the point itself rises x_i − m ≥ `sharpZ`·s — one point far out (a classic spike, or a sparse log).
 * - Sustained: the mean of the last `smooth` points rises ≥ `sustainedZ`·s/√smooth — a level shift that single
 *   points hide in the noise (the mean of `smooth` points has σ/√smooth).
 * - Either way the rise must also be at least `minRise`·|m| (relative): a 3σ rise of a very quiet curve is
 *   not a spike anyone would roll back for. A loss that is not finite (NaN, ∞) is always a spike.
 *
 * Anomalous points at most `gap` points apart form one spike. It starts at the first point of its evidence —
 * the point itself (sharp) or the first point of the smoothing window (sustained) — so every checkpoint written
 * before the start predates the spike (what PMA-init merges, paper.md §4.10). Points of a spike never enter a
 * later baseline: a loss that jumps and stays up is one spike that never ends, not a new normal.
 *
 * Why robust statistics: a trailing mean and standard deviation are dragged up by the spike they should detect;
 * the median and MAD of the trailing window ignore up to half of it. On a decreasing curve the trailing median
 * sits above the current loss, so steady progress never reads as a rise. The price: during the steep first
 * descent of a run trained from scratch a spike must climb back above where the loss was ~window/2 points ago
 * before it shows, so detection is deliberately conservative there. Defaults were checked on the reference
 * lab's runs: its unstable run's spike is found (steps 136–219) and none of its seven other runs is flagged.
 */

import { PmaError } from "../errors";

export interface SeriesPoint {
  step: number;
  tokens: number | null;
  value: number;
}

export interface SpikeOptions {
  /** Trailing points the baseline is taken from. */
  window: number;
  /** Points averaged by the sustained rule. */
  smooth: number;
  /** Baseline points needed before anything is flagged. */
  minHistory: number;
  sharpZ: number;
  sustainedZ: number;
  /** Smallest rise worth a spike, relative to the baseline (0.03 = 3 %). */
  minRise: number;
  /** Floor of the noise scale, relative to the baseline. */
  minScale: number;
  /** Non-anomalous points allowed inside one spike. */
  gap: number;
}

export const DEFAULT_SPIKE_OPTIONS: SpikeOptions = {
  window: 50,
  smooth: 5,
  minHistory: 20,
  sharpZ: 6,
  sustainedZ: 5,
  minRise: 0.03,
  minScale: 1e-3,
  gap: 2,
};

export type SpikeRule = "sharp" | "sustained" | "non-finite";

export interface Spike {
  /** First step of the evidence: checkpoints before it predate the spike. */
  startStep: number;
  startTokens: number | null;
  /** The highest logged value inside the spike (the first non-finite one, if any). */
  peakStep: number;
  peakTokens: number | null;
  peak: number;
  /** Last step that is itself above the threshold. */
  endStep: number;
  /** Median of the baseline window when the spike was first seen. */
  baseline: number;
  /** (peak − baseline) / |baseline|; Infinity for a non-finite loss. */
  rise: number;
  /** The rule that first flagged it. */
  rule: SpikeRule;
  /** Whether the series came back under the threshold before it ended (false: still up at the last point). */
  recovered: boolean;
}

interface Baseline {
  median: number;
  scale: number;
}

interface OpenSpike {
  start: number;
  /** Last point that is itself above the threshold. */
  end: number;
  /** Last point with any evidence (a lifted mean counts): spikes more than `gap` points apart are separate. */
  lastEvidence: number;
  peak: number;
  baseline: number;
  rule: SpikeRule;
}

/** Spikes in `points` (sorted by step here), oldest first. */
export function detectSpikes(points: SeriesPoint[], options: Partial<SpikeOptions> = {}): Spike[] {
  const o = { ...DEFAULT_SPIKE_OPTIONS, ...options };
  checkOptions(o);
  const series = [...points].sort((a, b) => a.step - b.step);
  const inSpike = new Array<boolean>(series.length).fill(false);
  const found: OpenSpike[] = [];
  let open: OpenSpike | null = null;

  for (let i = 0; i < series.length; i++) {
    const first = Math.max(0, i - o.smooth + 1);
    const verdict = judge(series, inSpike, i, first, o);
    if (!verdict) {
      if (open && i - open.lastEvidence > o.gap) open = null;
      continue;
    }
    const start = verdict.rule === "sustained" ? firstUnflagged(inSpike, first, i) : i;
    if (open && start - open.lastEvidence <= o.gap + 1) {
      open.lastEvidence = i;
      // A mean still lifted by the spike's own points keeps it open but does not stretch its end.
      if (verdict.pointHigh) open.end = i;
      if (isHigher(series[i].value, series[open.peak].value)) open.peak = i;
    } else {
      open = { start, end: i, lastEvidence: i, peak: highestIn(series, start, i), baseline: verdict.baseline, rule: verdict.rule };
      found.push(open);
    }
    for (let j = start; j <= i; j++) inSpike[j] = true;
  }
  return found.map((spike) => toSpike(series, spike, series.length - 1 - spike.lastEvidence > o.gap));
}

interface Verdict {
  rule: SpikeRule;
  baseline: number;
  /** The point itself is above the sustained threshold (not only the mean it ends). */
  pointHigh: boolean;
}

function judge(series: SeriesPoint[], inSpike: boolean[], i: number, first: number, o: SpikeOptions): Verdict | null {
  const value = series[i].value;
  const base = baselineBefore(series, inSpike, first, o);
  if (!Number.isFinite(value)) return { rule: "non-finite", baseline: base?.median ?? Number.NaN, pointHigh: true };
  if (!base) return null;
  const floor = o.minRise * Math.abs(base.median);
  const sustained = Math.max((o.sustainedZ * base.scale) / Math.sqrt(o.smooth), floor);
  const rise = value - base.median;
  const pointHigh = rise >= sustained;
  if (rise >= o.sharpZ * base.scale && rise >= floor) return { rule: "sharp", baseline: base.median, pointHigh };
  if (i - first + 1 < o.smooth) return null;
  let sum = 0;
  for (let j = first; j <= i; j++) sum += series[j].value;
  const meanRise = sum / (i - first + 1) - base.median;
  return Number.isFinite(meanRise) && meanRise >= sustained ? { rule: "sustained", baseline: base.median, pointHigh } : null;
}

/** Median and scaled MAD of the last `window` finite, non-spike points before index `before`. */
function baselineBefore(series: SeriesPoint[], inSpike: boolean[], before: number, o: SpikeOptions): Baseline | null {
  const values: number[] = [];
  for (let j = before - 1; j >= 0 && values.length < o.window; j--) {
    if (!inSpike[j] && Number.isFinite(series[j].value)) values.push(series[j].value);
  }
  if (values.length < o.minHistory) return null;
  const median = medianOf(values);
  const mad = medianOf(values.map((value) => Math.abs(value - median)));
  return { median, scale: Math.max(1.4826 * mad, o.minScale * Math.abs(median), Number.MIN_VALUE) };
}

export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function firstUnflagged(inSpike: boolean[], from: number, to: number): number {
  // The smoothing window may reach back into the previous spike; this one starts after it.
  let start = from;
  while (start < to && inSpike[start]) start += 1;
  return start;
}

/** Non-finite beats finite (a NaN loss is the worst point of a spike); otherwise the larger value. */
function isHigher(a: number, b: number): boolean {
  if (!Number.isFinite(b)) return false;
  return !Number.isFinite(a) || a > b;
}

function highestIn(series: SeriesPoint[], from: number, to: number): number {
  let best = from;
  for (let j = from + 1; j <= to; j++) if (isHigher(series[j].value, series[best].value)) best = j;
  return best;
}

function toSpike(series: SeriesPoint[], spike: OpenSpike, recovered: boolean): Spike {
  const start = series[spike.start];
  const peak = series[spike.peak];
  const rise = Number.isFinite(peak.value) ? (peak.value - spike.baseline) / Math.abs(spike.baseline) : Number.POSITIVE_INFINITY;
  return {
    startStep: start.step,
    startTokens: start.tokens,
    peakStep: peak.step,
    peakTokens: peak.tokens,
    peak: peak.value,
    endStep: series[spike.end].step,
    baseline: spike.baseline,
    rise,
    rule: spike.rule,
    recovered,
  };
}

function checkOptions(o: SpikeOptions): void {
  const whole = (value: number, min: number) => Number.isInteger(value) && value >= min;
  if (!whole(o.window, 1) || !whole(o.smooth, 1) || !whole(o.minHistory, 1) || !whole(o.gap, 0) || o.minHistory > o.window) {
    throw new PmaError("spike_options_invalid", "window, smooth and minHistory must be whole numbers ≥ 1 (minHistory ≤ window), gap ≥ 0");
  }
  for (const key of ["sharpZ", "sustainedZ", "minRise", "minScale"] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) throw new PmaError("spike_options_invalid", `${key} must be a finite number ≥ 0`);
  }
}

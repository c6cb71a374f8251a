import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectSpikes, medianOf, type SeriesPoint } from "../../../lib/analysis/spikes";
import { mulberry32 } from "../../../lib/random";

const TOKENS_PER_STEP = 4096;

/** A pre-training loss curve: fast fall, then a slow power-law decline (decreasing everywhere). */
function curve(step: number): number {
  return 2.2 + 6 / Math.sqrt(1 + step / 20);
}

/**
 * `length` points every `every` steps, each multiplied by (1 + u) with u uniform in ±noise. With noise ≤ 1 % the
 * rise over any earlier median is below 2 % of the loss, under the detector's 3 % floor: nothing may be flagged.
 */
function series(length: number, options: { seed?: number; noise?: number; every?: number; flat?: boolean } = {}): SeriesPoint[] {
  const next = mulberry32(options.seed ?? 1);
  const every = options.every ?? 10;
  return Array.from({ length }, (_, i) => {
    const step = (i + 1) * every;
    const noise = (options.noise ?? 0.01) * (2 * next() - 1);
    return { step, tokens: step * TOKENS_PER_STEP, value: (options.flat ? 3 : curve(step)) * (1 + noise) };
  });
}

/** Where the curve has left its steep first descent (step 3000): the trailing median lags it by < 1 %. */
const SETTLED = 300;

/** Lifts points [at, at + duration) by `height` (relative). */
function inject(points: SeriesPoint[], at: number, duration: number, height: number): SeriesPoint[] {
  return points.map((point, i) => (i >= at && i < at + duration ? { ...point, value: point.value * (1 + height) } : point));
}

describe("detectSpikes", () => {
  it("finds a sharp spike where it starts, with its peak, end and rise", () => {
    const points = inject(series(300), 150, 3, 0.5);
    const spikes = detectSpikes(points);
    expect(spikes).toHaveLength(1);
    const [spike] = spikes;
    expect(spike).toMatchObject({ startStep: points[150].step, startTokens: points[150].tokens, endStep: points[152].step, rule: "sharp", recovered: true });
    expect([150, 151, 152].map((i) => points[i].step)).toContain(spike.peakStep);
    expect(spike.rise).toBeGreaterThan(0.4);
    expect(spike.rise).toBeLessThan(0.6);
  });

  it("finds a level shift that no single point shows, starting where its smoothing window began", () => {
    // Noise of ±3 %; the loss steps up by 8 % (no single point clears 6σ) for 60 points, then returns.
    const points = inject(series(500, { seed: 7, noise: 0.03 }), SETTLED, 60, 0.08);
    const spikes = detectSpikes(points);
    expect(spikes).toHaveLength(1);
    expect(spikes[0].rule).toBe("sustained");
    // The start is the first point of the 5-point window that showed it: conservative, never after the shift by more.
    expect(spikes[0].startStep).toBeGreaterThanOrEqual(points[SETTLED - 4].step);
    expect(spikes[0].startStep).toBeLessThanOrEqual(points[SETTLED + 4].step);
    expect(spikes[0].endStep).toBeGreaterThanOrEqual(points[SETTLED + 50].step);
    expect(spikes[0].recovered).toBe(true);
  });

  it("reports a loss that jumps and stays up as one spike that has not recovered", () => {
    const points = inject(series(200), 120, 80, 0.3);
    const spikes = detectSpikes(points);
    expect(spikes).toHaveLength(1);
    expect(spikes[0]).toMatchObject({ startStep: points[120].step, endStep: points[199].step, recovered: false });
  });

  it("treats a non-finite loss as a spike, even without history", () => {
    const points = series(100).map((point, i) => (i === 5 || i === 60 ? { ...point, value: Number.NaN } : point));
    const spikes = detectSpikes(points);
    expect(spikes.map((spike) => [spike.startStep, spike.rule, spike.rise])).toEqual([
      [points[5].step, "non-finite", Number.POSITIVE_INFINITY],
      [points[60].step, "non-finite", Number.POSITIVE_INFINITY],
    ]);
    expect(Number.isNaN(spikes[1].peak)).toBe(true);
  });

  it("needs a baseline first: a rise within the first minHistory points is not flagged", () => {
    expect(detectSpikes(inject(series(100, { flat: true }), 10, 2, 0.5))).toEqual([]);
    expect(detectSpikes(inject(series(100, { flat: true }), 10, 2, 0.5), { minHistory: 5 })).toHaveLength(1);
  });

  it("ignores rises below the relative floor however quiet the curve is", () => {
    const quiet = series(500, { noise: 0 });
    expect(detectSpikes(inject(quiet, SETTLED, 5, 0.02))).toEqual([]);
    expect(detectSpikes(inject(quiet, SETTLED, 5, 0.05))).toHaveLength(1);
  });

  it("sorts its input by step and leaves it untouched", () => {
    const points = inject(series(300), 150, 2, 0.5);
    const shuffled = [...points].reverse();
    const copy = structuredClone(shuffled);
    expect(detectSpikes(shuffled)).toEqual(detectSpikes(points));
    expect(shuffled).toEqual(copy);
  });

  it("refuses nonsensical options", () => {
    expect(() => detectSpikes([], { window: 0 })).toThrow(expect.objectContaining({ code: "spike_options_invalid" }));
    expect(() => detectSpikes([], { minHistory: 60, window: 50 })).toThrow(expect.objectContaining({ code: "spike_options_invalid" }));
    expect(() => detectSpikes([], { sharpZ: Number.NaN })).toThrow(expect.objectContaining({ code: "spike_options_invalid" }));
  });

  it("takes medians of odd and even counts", () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
  });
});

describe("detectSpikes properties", () => {
  it("never flags a decreasing curve with noise up to ±1 %", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 600 }), fc.double({ min: 0, max: 0.01, noNaN: true }), (seed, length, noise) => {
        expect(detectSpikes(series(length, { seed, noise }))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("finds every injected spike (10–100 % high, 1–20 points long), each starting where it was injected", () => {
    const spikeArb = fc.record({ height: fc.double({ min: 0.1, max: 1, noNaN: true }), duration: fc.integer({ min: 1, max: 20 }), gapAfter: fc.integer({ min: 30, max: 80 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(spikeArb, { minLength: 1, maxLength: 4 }), (seed, injected) => {
        let points = series(SETTLED + injected.reduce((total, s) => total + s.duration + s.gapAfter, 0), { seed });
        const starts: number[] = [];
        let at = SETTLED;
        for (const spike of injected) {
          points = inject(points, at, spike.duration, spike.height);
          starts.push(at);
          at += spike.duration + spike.gapAfter;
        }
        const found = detectSpikes(points);
        expect(found.map((spike) => spike.startStep)).toEqual(starts.map((i) => points[i].step));
        for (const [k, spike] of found.entries()) {
          expect(spike.endStep).toBe(points[starts[k] + injected[k].duration - 1].step);
          expect(spike.peakStep).toBeGreaterThanOrEqual(spike.startStep);
          expect(spike.peakStep).toBeLessThanOrEqual(spike.endStep);
          expect(spike.recovered).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

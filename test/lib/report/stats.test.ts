import { describe, expect, it } from "vitest";
import {
  comparePaired,
  fitLine,
  logGamma,
  meanInterval,
  normalCdf,
  studentTCdf,
  studentTQuantile,
} from "../../../lib/report/stats";

// Reference values: printed t tables, and closed forms worked by hand in the comments.
describe("distributions", () => {
  it("matches the t table's two-sided 95 % critical values", () => {
    const table: [number, number][] = [
      [1, 12.7062047],
      [2, 4.30265273],
      [5, 2.57058184],
      [10, 2.22813885],
      [30, 2.04227246],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 6);
  });

  it("computes the t CDF (df = 2 has the closed form ½ + t / (2√(t² + 2)))", () => {
    for (const t of [-3, -0.5, 0, 1, 3.4641016]) expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(t * t + 2)), 10);
    // df = 1 is the Cauchy distribution: ½ + atan(t)/π.
    expect(studentTCdf(1.5, 1)).toBeCloseTo(0.5 + Math.atan(1.5) / Math.PI, 10);
  });

  it("computes Φ and log Γ", () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.158655254, 6);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});

describe("means and paired comparisons", () => {
  it("gives a mean with its t interval, and none from one value", () => {
    // [1, 2, 3]: mean 2, sd 1, se 1/√3; half-width t(0.975, 2) · se = 4.30265 · 0.57735 = 2.48414.
    const m = meanInterval([1, 2, 3]);
    expect(m.mean).toBe(2);
    expect(m.se).toBeCloseTo(1 / Math.sqrt(3), 12);
    expect(m.low).toBeCloseTo(2 - 2.48414, 4);
    expect(m.high).toBeCloseTo(2 + 2.48414, 4);
    expect(meanInterval([5])).toEqual({ k: 1, mean: 5, se: null, low: null, high: null });
  });

  it("declares no winner inside the noise: a paired t test over matched cells", () => {
    // t = 2 / (1/√3) = 2√3 with df 2: p = 1 − t/√(t² + 2) = 1 − √(12/14) = 0.0741799.
    const c = comparePaired([1, 2, 3].map((diff) => ({ diff, se: null })));
    expect(c).toMatchObject({ k: 3, mean: 2, test: "paired-t", decision: "tie", stderrUsed: false });
    expect(c.p).toBeCloseTo(1 - Math.sqrt(12 / 14), 8);
    expect(c.low!).toBeLessThan(0);
  });

  it("declares a winner when the interval excludes zero, in either direction", () => {
    const a = comparePaired([1, 1.1, 0.9, 1.05].map((diff) => ({ diff, se: null })));
    expect(a.decision).toBe("A");
    expect(a.low!).toBeGreaterThan(0);
    const b = comparePaired([-1, -1.1, -0.9, -1.05].map((diff) => ({ diff, se: null })));
    expect(b.decision).toBe("B");
  });

  it("widens the standard error to the evaluation noise when every pair has a stderr", () => {
    // Evaluation se of the mean: √(3 · 3²) / 3 = √3 > spread se 1/√3. t = 2/√3, df 2: p = 1 − t/√(t² + 2) = 0.367544.
    const c = comparePaired([1, 2, 3].map((diff) => ({ diff, se: 3 })));
    expect(c.se).toBeCloseTo(Math.sqrt(3), 12);
    expect(c.stderrUsed).toBe(true);
    expect(c.p).toBeCloseTo(0.367544, 5);
  });

  it("tests a single pair by its stderr (z), and cannot test it without one", () => {
    // z = 1 / 0.5 = 2: p = 2 (1 − Φ(2)) = 0.0455003.
    const z = comparePaired([{ diff: 1, se: 0.5 }]);
    expect(z).toMatchObject({ test: "z", decision: "A" });
    expect(z.p).toBeCloseTo(0.0455003, 6);
    expect(comparePaired([{ diff: 1, se: null }])).toMatchObject({ test: "none", decision: "untested", low: null });
    expect(comparePaired([])).toMatchObject({ k: 0, decision: "untested" });
  });

  it("handles identical differences (zero spread) without dividing by zero", () => {
    expect(comparePaired([0.5, 0.5, 0.5].map((diff) => ({ diff, se: null })))).toMatchObject({ decision: "A", p: 0 });
    expect(comparePaired([0, 0].map((diff) => ({ diff, se: null })))).toMatchObject({ decision: "tie", p: 1 });
  });
});

describe("line fits", () => {
  it("fits a line with the slope's stderr", () => {
    // x = 0, 1, 2; y = 1, 3, 5.5: slope 4.5/2 = 2.25, intercept 19/6 − 2.25, residual SS 1/24, se √(1/24 / 1 / 2).
    const fit = fitLine([0, 1, 2], [1, 3, 5.5])!;
    expect(fit.slope).toBeCloseTo(2.25, 12);
    expect(fit.intercept).toBeCloseTo(19 / 6 - 2.25, 12);
    expect(fit.slopeSe).toBeCloseTo(Math.sqrt(1 / 48), 12);
    expect(fitLine([1, 2], [2, 4])).toMatchObject({ slope: 2, intercept: 0, slopeSe: null, points: 2 });
    expect(fitLine([1, 1], [2, 4])).toBeNull();
  });
});

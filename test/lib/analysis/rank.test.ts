import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { averageRanks, kendallTauB, pearson, spearman } from "../../../lib/analysis";

describe("averageRanks", () => {
  it("ranks from 1 and shares the average rank among ties", () => {
    expect(averageRanks([30, 10, 20])).toEqual([3, 1, 2]);
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(averageRanks([])).toEqual([]);
  });
});

describe("spearman and kendall, hand-computed", () => {
  it("agree perfectly on the same order and disagree perfectly on the reverse", () => {
    expect(spearman([1, 2, 3], [10, 20, 40])).toBe(1);
    expect(kendallTauB([1, 2, 3], [10, 20, 40])).toBe(1);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTauB([1, 2, 3], [3, 2, 1])).toBe(-1);
  });

  it("one swapped pair out of three", () => {
    // ranks [3, 1, 2] vs [3, 2, 1]: ρ = 1 − 6·2 / (3·8) = 0.5; pairs C, C, D: τ = (2 − 1) / 3.
    expect(spearman([3.3, 3.0, 3.05], [3.0, 2.8, 2.5])).toBeCloseTo(0.5, 12);
    expect(kendallTauB([3.3, 3.0, 3.05], [3.0, 2.8, 2.5])).toBeCloseTo(1 / 3, 12);
  });

  it("corrects for ties (τ-b)", () => {
    // x = [1, 1, 2], y = [1, 2, 3]: pairs (0,1) tied in x only, (0,2) C, (1,2) C → 2 / √(2·3).
    expect(kendallTauB([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
    // ranks x = [1.5, 1.5, 3], y = [1, 2, 3]: Pearson of those = √3 / 2.
    expect(spearman([1, 1, 2], [1, 2, 3])).toBeCloseTo(Math.sqrt(3) / 2, 12);
  });

  it("is undefined with fewer than two pairs or no spread", () => {
    expect(spearman([1], [2])).toBeNull();
    expect(kendallTauB([], [])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(kendallTauB([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(pearson([2, 2], [1, 3])).toBeNull();
  });

  it("refuses samples of different lengths", () => {
    expect(() => spearman([1, 2], [1])).toThrow(/differ in length/);
  });
});

const sample = fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 2, maxLength: 25 });

describe("rank agreement, properties", () => {
  it("stays within [−1, 1] and is symmetric", () => {
    fc.assert(
      fc.property(sample, (pairs) => {
        const xs = pairs.map((p) => p[0]);
        const ys = pairs.map((p) => p[1]);
        for (const f of [spearman, kendallTauB]) {
          const r = f(xs, ys);
          if (r === null) continue;
          expect(Math.abs(r)).toBeLessThanOrEqual(1);
          expect(f(ys, xs)).toBeCloseTo(r, 12);
        }
      }),
    );
  });

  it("depends only on order: a strictly increasing transform changes nothing, negating flips the sign", () => {
    fc.assert(
      fc.property(sample, (pairs) => {
        const xs = pairs.map((p) => p[0]);
        const ys = pairs.map((p) => p[1]);
        const warped = xs.map((x) => Math.exp(x / 10) + x ** 3);
        for (const f of [spearman, kendallTauB]) {
          const r = f(xs, ys);
          expect(f(warped, ys)).toEqual(r === null ? null : expect.closeTo(r, 9));
          const flipped = f(xs.map((x) => -x), ys);
          expect(flipped).toEqual(r === null ? null : expect.closeTo(-r, 9));
        }
      }),
    );
  });

  it("is 1 for a sample against itself when it has any spread", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 2, maxLength: 30 }), (xs) => {
        expect(spearman(xs, xs)).toBeCloseTo(1, 12);
        expect(kendallTauB(xs, xs)).toBe(1);
      }),
    );
  });
});

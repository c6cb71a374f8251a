import { describe, expect, it } from "vitest";
import { thinPairs, thinPoints, tokensAt, valueAtStep } from "../../../lib/charts/series";

describe("tokensAt", () => {
  it("prefers the logged tokens, then step × tokens per step", () => {
    expect(tokensAt(10, 5000, 100)).toBe(5000);
    expect(tokensAt(10, null, 100)).toBe(1000);
    expect(tokensAt(10, null, null)).toBeNull();
  });
});

describe("thinPoints", () => {
  const points = Array.from({ length: 10_000 }, (_, step) => ({ step, tokens: null, value: 2 + Math.sin(step / 50) }));

  it("keeps short series as they are", () => {
    expect(thinPoints(points.slice(0, 100), 2000)).toHaveLength(100);
  });

  it("caps the point count, keeps step order and the last point", () => {
    const thinned = thinPoints(points, 1000);
    expect(thinned.length).toBeLessThanOrEqual(1001);
    expect(thinned.map((p) => p.step)).toEqual([...thinned.map((p) => p.step)].sort((a, b) => a - b));
    expect(thinned[thinned.length - 1].step).toBe(9999);
  });

  it("never hides a one-step loss spike", () => {
    const spiky = points.map((p) => (p.step === 4321 ? { ...p, value: 50 } : p));
    expect(thinPoints(spiky, 500).some((p) => p.step === 4321 && p.value === 50)).toBe(true);
  });
});

describe("valueAtStep", () => {
  const log = [10, 20, 30].map((step) => ({ step, tokens: null, value: step / 10 }));

  it("takes the value at the largest logged step not after the checkpoint", () => {
    expect(valueAtStep(log, 20)).toBe(2);
    expect(valueAtStep(log, 29)).toBe(2);
    expect(valueAtStep(log, 99)).toBe(3);
  });

  it("uses the first point before the log starts, and nothing for an empty log", () => {
    expect(valueAtStep(log, 1)).toBe(1);
    expect(valueAtStep([], 5)).toBeNull();
  });
});

describe("thinPairs", () => {
  it("thins [x, y] lines the same way, keeping a spike and the last point", () => {
    const line: [number, number][] = Array.from({ length: 50_000 }, (_, i) => [i * 10, i === 31_337 ? 99 : 2]);
    const thinned = thinPairs(line, 2000);
    expect(thinned.length).toBeLessThanOrEqual(2001);
    expect(thinned).toContainEqual([313_370, 99]);
    expect(thinned[thinned.length - 1]).toEqual([499_990, 2]);
    expect(thinPairs(line.slice(0, 10))).toHaveLength(10);
  });
});

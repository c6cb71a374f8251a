import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planCell, type PlanCheckpoint } from "../../../../lib/merge/plan";

/** A run checkpointed every `every` tokens, each count nudged by its own jitter. */
function jitteredRun(every: number, count: number, jitters: number[]): PlanCheckpoint[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    step: i,
    tokens: Math.max(0, i * every + (jitters[i % jitters.length] ?? 0)),
    identity: `sha-${i}`,
    dtypes: ["BF16"],
  }));
}

describe("planning properties", () => {
  it("jitter within the tolerance always plans, each checkpoint used once, offsets within tolerance", () => {
    const every = 1_000_000;
    const tolerance = 0.01 * every;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 20, max: 60 }),
        fc.array(fc.integer({ min: -tolerance, max: tolerance }), { minLength: 1, maxLength: 7 }),
        (n, spacing, pointIndex, jitters) => {
          const run = jitteredRun(every, 80, jitters);
          const interval = spacing * every;
          const point = pointIndex * every;
          const plan = planCell(run, { scheme: { scheme: "sma" }, n, interval, point });
          if (point - (n - 1) * interval < 0) {
            expect(plan.feasible).toBe(false);
            return;
          }
          if (!plan.feasible) throw new Error(plan.reason);
          expect(new Set(plan.inputs.map((input) => input.checkpointId)).size).toBe(n);
          for (const input of plan.inputs) expect(Math.abs(input.offBy)).toBeLessThanOrEqual(tolerance);
          expect(plan.inputs.map((input) => input.target)).toEqual(Array.from({ length: n }, (_, i) => point - (n - 1 - i) * interval));
        },
      ),
    );
  });
});

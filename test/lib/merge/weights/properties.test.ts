import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeWeights, formatSchemeToken, parseSchemeList } from "../../../../lib/merge/weights";
import type { SchemeSpec } from "../../../../lib/merge/weights";

const alpha = fc.double({ min: 1e-6, max: 1, noNaN: true });
const builtIn: fc.Arbitrary<SchemeSpec> = fc.oneof(
  fc.constant<SchemeSpec>({ scheme: "sma" }),
  fc.constant<SchemeSpec>({ scheme: "wma" }),
  fc.record({ scheme: fc.constant("ema" as const), alpha, form: fc.constantFrom("recursive" as const, "closed" as const) }),
);
const n = fc.integer({ min: 1, max: 300 });
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe("weight properties", () => {
  it("built-in weights sum to 1 within 1e-12 and are non-negative", () => {
    fc.assert(
      fc.property(builtIn, n, (spec, size) => {
        const weights = computeWeights(spec, size);
        expect(weights).toHaveLength(size);
        expect(Math.abs(sum(weights) - 1)).toBeLessThanOrEqual(1e-12);
        for (const weight of weights) expect(weight).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("WMA and EMA weights never decrease from i = 2 on", () => {
    const rising = builtIn.filter((spec) => spec.scheme !== "sma");
    fc.assert(
      fc.property(rising, n, (spec, size) => {
        const weights = computeWeights(spec, size);
        for (let i = 2; i < size; i += 1) expect(weights[i]).toBeGreaterThanOrEqual(weights[i - 1]);
      }),
    );
  });

  it("N = 1 gives [1] for every scheme", () => {
    const anyScheme = fc.oneof(
      builtIn,
      fc.record({ scheme: fc.constant("custom" as const), weights: fc.tuple(fc.double({ min: 1e-3, max: 1e3, noNaN: true })), normalise: fc.constant(true) }),
    );
    fc.assert(
      fc.property(anyScheme, (spec) => {
        expect(computeWeights(spec, 1)).toEqual([1]);
      }),
    );
  });

  it("normalised custom vectors with a positive sum sum to 1", () => {
    const vector = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }).filter((v) => sum(v) > 0);
    fc.assert(
      fc.property(vector, (weights) => {
        const result = computeWeights({ scheme: "custom", weights, normalise: true }, weights.length);
        expect(Math.abs(sum(result) - 1)).toBeLessThanOrEqual(1e-12);
      }),
    );
  });

  it("every spec's CLI token parses back to the same spec", () => {
    const customSpec = fc.record({
      scheme: fc.constant("custom" as const),
      weights: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }),
      normalise: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(builtIn, customSpec), { minLength: 1, maxLength: 5 }), (specs) => {
        const parsed = parseSchemeList(specs.map(formatSchemeToken).join(","));
        // -0 prints as "0"; the two are the same weight.
        expect(JSON.parse(JSON.stringify(parsed))).toEqual(JSON.parse(JSON.stringify(specs)));
      }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { compositesByTarget, computeComposite, parseComposite, type CompositeInput } from "../../../lib/eval/composite";
import { errorOf } from "./helpers";

const metrics = new Map<string, CompositeInput>([
  ["mmlu/acc", { value: 0.4, stderr: 0.004, higherIsBetter: true }],
  ["hellaswag/acc_norm", { value: 0.5, stderr: 0.005, higherIsBetter: true }],
  ["wikitext/bits_per_byte", { value: 0.9, stderr: null, higherIsBetter: false }],
  ["custom/score", { value: 3, stderr: 0.1, higherIsBetter: null }],
]);

describe("composite score", () => {
  it("is the weighted average with stderr sqrt(Σw²s²)/Σw", () => {
    const def = parseComposite({ name: "overall", components: [{ metric: "mmlu/acc", weight: 2 }, { metric: "hellaswag/acc_norm", weight: 1 }] });
    const result = computeComposite(def, metrics);
    expect(result.value).toBeCloseTo((2 * 0.4 + 0.5) / 3, 12);
    expect(result.stderr).toBeCloseTo(Math.sqrt(4 * 0.004 ** 2 + 0.005 ** 2) / 3, 12);
    expect(result.higherIsBetter).toBe(true);
    expect(result.contributions.map((c) => c.sign)).toEqual([1, 1]);
  });

  it("negates lower-is-better components, and has no stderr when one is unknown", () => {
    const def = parseComposite({ name: "o", components: [{ metric: "mmlu/acc", weight: 1 }, { metric: "wikitext/bits_per_byte", weight: 1 }] });
    const result = computeComposite(def, metrics);
    expect(result.value).toBeCloseTo((0.4 - 0.9) / 2, 12);
    expect(result.stderr).toBeNull();
    expect(result.contributions[1]).toMatchObject({ sign: -1 });
  });

  it("refuses a component of unknown direction unless the definition states it, and contradictions", () => {
    const unknown = parseComposite({ name: "o", components: [{ metric: "custom/score", weight: 1 }] });
    expect(errorOf(() => computeComposite(unknown, metrics)).code).toBe("eval_composite_direction");
    const stated = parseComposite({ name: "o", components: [{ metric: "custom/score", weight: 1, higherIsBetter: false }] });
    expect(computeComposite(stated, metrics)).toMatchObject({ value: -3, stderr: 0.1 });
    const contradicted = parseComposite({ name: "o", components: [{ metric: "mmlu/acc", weight: 1, higherIsBetter: false }] });
    expect(errorOf(() => computeComposite(contradicted, metrics)).message).toContain("definition says otherwise");
  });

  it("is null, naming what is missing, rather than re-normalising over the rest", () => {
    const def = parseComposite({ name: "o", components: [{ metric: "mmlu/acc", weight: 1 }, { metric: "arc/acc", weight: 1 }] });
    expect(computeComposite(def, metrics)).toMatchObject({ value: null, stderr: null, missing: ["arc/acc"] });
  });

  it("validates definitions", () => {
    expect(errorOf(() => parseComposite({ name: "o", components: [] })).code).toBe("eval_composite_invalid");
    expect(errorOf(() => parseComposite({ name: "o", components: [{ metric: "a", weight: 0 }] })).message).toContain("components.0.weight");
    expect(errorOf(() => parseComposite({ name: "o", components: [{ metric: "a", weight: 1 }, { metric: "a", weight: 2 }] })).message).toContain("listed twice");
  });

  it("computes one composite per model from flat rows", () => {
    const def = parseComposite({ name: "o", components: [{ metric: "a", weight: 1 }, { metric: "b", weight: 3 }] });
    const rows = [
      { model: "cell-1", name: "a", value: 1, stderr: 0.1, higherIsBetter: true },
      { model: "cell-1", name: "b", value: 0, stderr: 0.1, higherIsBetter: true },
      { model: "base", name: "a", value: 0.5, stderr: null, higherIsBetter: true },
    ];
    const result = compositesByTarget(def, rows, (row) => row.model);
    expect(result.get("cell-1")).toMatchObject({ value: 0.25 });
    expect(result.get("cell-1")!.stderr).toBeCloseTo(Math.sqrt(0.01 + 9 * 0.01) / 4, 12);
    expect(result.get("base")).toMatchObject({ value: null, missing: ["b"] });
  });
});

import { describe, expect, it } from "vitest";
import { PmaError } from "../../../../lib/errors";
import { buildRecipe, canonicalRecipeJson, planCell, recipeHash, type MergeRecipe } from "../../../../lib/merge/plan";
import { M, makeRun } from "./helpers";

const base: MergeRecipe = {
  inputs: [
    { checkpointId: 1, identity: "sha-a", weight: 0.25 },
    { checkpointId: 2, identity: "sha-b", weight: 0.75 },
  ],
  accumulate: "fp32",
  outputDtype: "input",
  scheme: { scheme: "custom", weights: [1, 3], normalise: true },
};

describe("recipeHash", () => {
  it("is a stable sha256 of the canonical JSON", () => {
    expect(canonicalRecipeJson(base)).toBe('{"v":1,"inputs":[["sha-a",0.25],["sha-b",0.75]],"accumulate":"fp32","outputDtype":"input"}');
    expect(recipeHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(recipeHash(base)).toBe(recipeHash(structuredClone(base)));
    // Golden value: a change here means every stored result hash changes; bump RECIPE_HASH_VERSION instead.
    expect(recipeHash(base)).toBe("e77f673fdaf790d3902bf89d260aa0ce964d7bae793d3aa044ed7d093a720ba9");
  });

  it("ignores the scheme label and checkpoint ids", () => {
    expect(recipeHash({ ...base, scheme: { scheme: "wma" } })).toBe(recipeHash(base));
    const renumbered = { ...base, inputs: base.inputs.map((input) => ({ ...input, checkpointId: input.checkpointId + 100 })) };
    expect(recipeHash(renumbered)).toBe(recipeHash(base));
  });

  it("SMA N = 1 equals custom [1] on the same checkpoint", () => {
    const run = makeRun(1 * M, 0, 10 * M);
    const cell = { n: 1, interval: 1 * M, point: 5 * M };
    const smaPlan = planCell(run, { ...cell, scheme: { scheme: "sma" } });
    const customPlan = planCell(run, { ...cell, scheme: { scheme: "custom", weights: [1], normalise: false } });
    if (!smaPlan.feasible || !customPlan.feasible) throw new Error("expected feasible plans");
    expect(recipeHash(buildRecipe(smaPlan, { scheme: "sma" }))).toBe(
      recipeHash(buildRecipe(customPlan, { scheme: "custom", weights: [1], normalise: false })),
    );
  });

  it.each<[string, MergeRecipe]>([
    ["a weight's last bit", { ...base, inputs: [base.inputs[0], { ...base.inputs[1], weight: 0.75 + 2 ** -53 }] }],
    ["input order", { ...base, inputs: [...base.inputs].reverse() }],
    ["an identity", { ...base, inputs: [{ ...base.inputs[0], identity: "sha-c" }, base.inputs[1]] }],
    ["accumulation", { ...base, accumulate: "fp64" }],
    ["output dtype", { ...base, outputDtype: "BF16" }],
  ])("changes with %s", (_what, changed) => {
    expect(recipeHash(changed)).not.toBe(recipeHash(base));
  });

  it("refuses recipes that cannot be hashed faithfully", () => {
    expect(() => recipeHash({ ...base, inputs: [] })).toThrow(PmaError);
    expect(() => recipeHash({ ...base, inputs: [{ ...base.inputs[0], weight: NaN }] })).toThrow(/non-finite/);
    expect(() => recipeHash({ ...base, inputs: [{ ...base.inputs[0], identity: "" }] })).toThrow(/no identity/);
  });
});

describe("buildRecipe", () => {
  it("carries the plan's inputs and defaults to fp32 accumulation in the input dtype", () => {
    const plan = planCell(makeRun(1 * M, 0, 10 * M), { scheme: { scheme: "sma" }, n: 2, interval: 2 * M, point: 6 * M });
    if (!plan.feasible) throw new Error(plan.reason);
    expect(buildRecipe(plan, { scheme: "sma" })).toEqual({
      inputs: [
        { checkpointId: 5, identity: "sha-4000000", weight: 0.5 },
        { checkpointId: 7, identity: "sha-6000000", weight: 0.5 },
      ],
      accumulate: "fp32",
      outputDtype: "input",
      scheme: { scheme: "sma" },
    });
    expect(buildRecipe(plan, { scheme: "sma" }, { accumulate: "fp64", outputDtype: "F32" })).toMatchObject({ accumulate: "fp64", outputDtype: "F32" });
  });
});

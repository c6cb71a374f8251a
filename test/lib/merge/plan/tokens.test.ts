import { describe, expect, it } from "vitest";
import { PmaError } from "../../../../lib/errors";
import { formatOffset, formatTargetLabel, formatTokens, stepsToTokens } from "../../../../lib/merge/plan";

describe("stepsToTokens", () => {
  it("multiplies by the run's tokens per step", () => {
    expect(stepsToTokens(2_000, 4_194_304)).toBe(8_388_608_000);
  });

  it.each<[number, number | null | undefined, string]>([
    [100, null, "plan_tokens_per_step_unknown"],
    [100, undefined, "plan_tokens_per_step_unknown"],
    [100, 0, "plan_invalid_tokens_per_step"],
    [100, NaN, "plan_invalid_tokens_per_step"],
    [-1, 1024, "plan_invalid_steps"],
  ])("refuses %s steps at %s tokens per step", (steps, perStep, code) => {
    let caught: unknown;
    try {
      stepsToTokens(steps, perStep);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PmaError);
    expect((caught as PmaError).code).toBe(code);
  });

  it("says what to do when tokens per step is unknown", () => {
    expect(() => stepsToTokens(10, null)).toThrow(/give the value in tokens or record tokens per step/);
  });
});

describe("token formatting", () => {
  it.each<[number, string]>([
    [0, "0"],
    [512, "512"],
    [100_000, "100K"],
    [12_000_000, "12M"],
    [12_040_000, "12.04M"],
    [204e9, "204B"],
    [1.6e12, "1.6T"],
    [-20e9, "−20B"],
  ])("formats %s as %s", (tokens, text) => {
    expect(formatTokens(tokens)).toBe(text);
  });

  it("formats offsets and target labels", () => {
    expect([formatOffset(40_000), formatOffset(-1.2e6), formatOffset(0)]).toEqual(["+40K", "−1.2M", "exact"]);
    expect([0, 1, 3].map(formatTargetLabel)).toEqual(["T", "T − V", "T − 3V"]);
  });
});

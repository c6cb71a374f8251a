import { describe, expect, it } from "vitest";
import { PmaError } from "../../../../lib/errors";
import {
  computeWeights,
  formatSchemeLabel,
  parseSchemeList,
  schemeSpecSchema,
  type SchemeSpec,
} from "../../../../lib/merge/weights";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PmaError);
    return (error as PmaError).code;
  }
  return undefined;
}

describe("computeWeights", () => {
  it("computes small windows exactly", () => {
    expect(computeWeights({ scheme: "sma" }, 4)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(computeWeights({ scheme: "wma" }, 3)).toEqual([1 / 6, 2 / 6, 3 / 6]);
    expect(computeWeights({ scheme: "ema", alpha: 0.5, form: "recursive" }, 3)).toEqual([0.25, 0.25, 0.5]);
    expect(computeWeights({ scheme: "ema", alpha: 1, form: "recursive" }, 3)).toEqual([0, 0, 1]);
    expect(computeWeights({ scheme: "custom", weights: [1, 1, 2], normalise: true }, 3)).toEqual([0.25, 0.25, 0.5]);
    expect(computeWeights({ scheme: "custom", weights: [-0.5, 1.5], normalise: false }, 2)).toEqual([-0.5, 1.5]);
  });

  it.each([0, -1, 2.5, NaN, Infinity, 10_001])("refuses N = %s", (n) => {
    expect(codeOf(() => computeWeights({ scheme: "sma" }, n))).toBe("weights_invalid_n");
  });

  it.each([0, -0.1, 1.01, NaN, Infinity])("refuses α = %s", (alpha) => {
    expect(codeOf(() => computeWeights({ scheme: "ema", alpha, form: "closed" }, 3))).toBe("weights_invalid_alpha");
  });

  it("refuses a custom vector of the wrong length", () => {
    expect(codeOf(() => computeWeights({ scheme: "custom", weights: [1, 2], normalise: true }, 3))).toBe("weights_custom_length");
  });

  it.each<[string, number[]]>([
    ["a non-finite entry", [1, NaN, 1]],
    ["a sum of zero", [1, -1, 0]],
    ["a negative sum, which would flip every sign", [-1, -2, -3]],
    ["rounding noise for a sum", [1, -1 + 1e-12, 0]],
  ])("refuses to normalise %s", (_why, weights) => {
    expect(codeOf(() => computeWeights({ scheme: "custom", weights, normalise: true }, 3))).toBe("weights_custom_invalid");
  });

  it("refuses an unknown scheme or EMA form from stored JSON", () => {
    expect(codeOf(() => computeWeights({ scheme: "slerp" } as unknown as SchemeSpec, 2))).toBe("weights_unknown_scheme");
    const badForm = { scheme: "ema", alpha: 0.2, form: "both" } as unknown as SchemeSpec;
    expect(codeOf(() => computeWeights(badForm, 2))).toBe("weights_invalid_form");
  });
});

describe("formatSchemeLabel", () => {
  it.each<[SchemeSpec, string]>([
    [{ scheme: "sma" }, "SMA"],
    [{ scheme: "wma" }, "WMA"],
    [{ scheme: "ema", alpha: 0.2, form: "recursive" }, "EMA α=0.2 (recursive)"],
    [{ scheme: "ema", alpha: 0.1, form: "closed" }, "EMA α=0.1 (closed)"],
    [{ scheme: "custom", weights: [1, 2, 3], normalise: true }, "Custom [1, 2, 3] (normalised)"],
    [{ scheme: "custom", weights: [1, 2, 3, 4, 5, 6, 7], normalise: false }, "Custom [1, 2, 3, 4, 5, 6, …]"],
  ])("labels %j as %s", (spec, label) => {
    expect(formatSchemeLabel(spec)).toBe(label);
  });
});

describe("parseSchemeList", () => {
  it("parses the CLI grammar, EMA defaulting to the recursive form", () => {
    expect(parseSchemeList("sma, WMA,ema:0.1,ema:0.2,ema:0.2:closed,custom:1/2/3,custom:0.5/0.5:raw")).toEqual([
      { scheme: "sma" },
      { scheme: "wma" },
      { scheme: "ema", alpha: 0.1, form: "recursive" },
      { scheme: "ema", alpha: 0.2, form: "recursive" },
      { scheme: "ema", alpha: 0.2, form: "closed" },
      { scheme: "custom", weights: [1, 2, 3], normalise: true },
      { scheme: "custom", weights: [0.5, 0.5], normalise: false },
    ]);
  });

  it.each<[string, string, RegExp]>([
    ["sma,foo", "weights_scheme_list_invalid", /unknown weighting scheme "foo".*item 2 "foo"/],
    ["sma,,wma", "weights_scheme_list_invalid", /empty item.*item 2/],
    ["", "weights_scheme_list_invalid", /no weighting schemes/],
    ["ema", "weights_scheme_list_invalid", /ema needs α/],
    ["ema:abc", "weights_scheme_list_invalid", /must be a number, got "abc"/],
    ["ema:0x1", "weights_scheme_list_invalid", /must be a number/],
    ["ema:0.2:both", "weights_scheme_list_invalid", /form must be recursive or closed/],
    ["ema:1.5", "weights_invalid_alpha", /\(0, 1\].*item 1 "ema:1.5"/],
    ["sma:3", "weights_scheme_list_invalid", /sma takes no arguments/],
    ["custom:1/x", "weights_scheme_list_invalid", /custom weight "x"/],
    ["custom:1/2:keep", "weights_scheme_list_invalid", /:raw/],
  ])("refuses %j", (text, code, message) => {
    let caught: unknown;
    try {
      parseSchemeList(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PmaError);
    expect((caught as PmaError).code).toBe(code);
    expect((caught as PmaError).message).toMatch(message);
  });
});

describe("schemeSpecSchema", () => {
  it("fills defaults and refuses out-of-range values", () => {
    expect(schemeSpecSchema.parse({ scheme: "ema", alpha: 0.2 })).toEqual({ scheme: "ema", alpha: 0.2, form: "recursive" });
    expect(schemeSpecSchema.parse({ scheme: "custom", weights: [1] })).toEqual({ scheme: "custom", weights: [1], normalise: true });
    expect(schemeSpecSchema.safeParse({ scheme: "ema", alpha: 0 }).success).toBe(false);
    expect(schemeSpecSchema.safeParse({ scheme: "custom", weights: [] }).success).toBe(false);
    expect(schemeSpecSchema.safeParse({ scheme: "custom", weights: [Infinity] }).success).toBe(false);
    expect(schemeSpecSchema.safeParse({ scheme: "slerp" }).success).toBe(false);
  });
});

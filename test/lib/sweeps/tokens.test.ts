import { describe, expect, it } from "vitest";
import { parseIntegerList, parseTokenCount, parseTokenList } from "../../../lib/sweeps";

describe("token counts", () => {
  it("reads plain numbers, decimal suffixes, exponents, underscores and steps", () => {
    expect(parseTokenCount("4096")).toBe(4096);
    expect(parseTokenCount("1.2M")).toBe(1_200_000);
    expect(parseTokenCount("4B")).toBe(4_000_000_000);
    expect(parseTokenCount("4b")).toBe(4_000_000_000);
    expect(parseTokenCount("500k")).toBe(500_000);
    expect(parseTokenCount("0.5T")).toBe(500_000_000_000);
    expect(parseTokenCount("2e9")).toBe(2_000_000_000);
    expect(parseTokenCount("1_000_000")).toBe(1_000_000);
    expect(parseTokenCount("2000steps", 4096)).toBe(8_192_000);
    expect(parseTokenCount("1step", 10)).toBe(10);
  });

  it("refuses what is not a whole token count, naming the item", () => {
    for (const bad of ["", "abc", "1.2345K", "-5", "0x10", "1.2MB", "5 M tokens"]) {
      expect(() => parseTokenCount(bad), bad).toThrow(expect.objectContaining({ code: "tokens_invalid" }));
    }
    expect(() => parseTokenCount("10steps")).toThrow(expect.objectContaining({ code: "plan_tokens_per_step_unknown" }));
    expect(() => parseTokenList("1M,2X")).toThrow(/item 2 of "1M,2X"/);
  });

  it("parses lists, dropping duplicates in order", () => {
    expect(parseTokenList("2M, 1M,2000000")).toEqual([2_000_000, 1_000_000]);
    expect(parseIntegerList("3,6,3", "--n")).toEqual([3, 6]);
    expect(() => parseIntegerList("3,0", "--n")).toThrow(/--n: "0"/);
  });
});

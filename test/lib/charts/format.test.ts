import { describe, expect, it } from "vitest";
import { formatLr, formatMetric, shortHash } from "../../../lib/charts/format";

describe("chart number formats", () => {
  it("writes learning rates in scientific notation", () => {
    expect(formatLr(3e-4)).toBe("3.00e−4");
    expect(formatLr(0)).toBe("0");
    expect(formatLr(null)).toBe("—");
  });

  it("writes metrics with 4 significant digits", () => {
    expect(formatMetric(2.345678)).toBe("2.346");
    expect(formatMetric(Number.NaN)).toBe("—");
  });

  it("shortens hashes", () => {
    expect(shortHash("0123456789abcdef")).toBe("0123456789ab");
    expect(shortHash(null)).toBe("—");
  });
});

import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, table } from "../../lib/format";

describe("number formatting", () => {
  it.each([
    [100_000, "100K"],
    [200e9, "200B"],
    [1.25e9, "1.25B"],
    [1_500_000, "1.5M"],
    [12_340, "12.3K"],
    [999, "999"],
    [2e12, "2T"],
    [null, "—"],
  ])("counts %s as %s", (value, text) => {
    expect(formatCount(value)).toBe(text);
  });

  it.each([
    [100 * 1024 ** 3, "100 GiB"],
    [1536, "1.5 KiB"],
    [12, "12 B"],
    [undefined, "—"],
  ])("bytes %s as %s", (value, text) => {
    expect(formatBytes(value)).toBe(text);
  });

  it("aligns a plain-text table", () => {
    expect(table(["a", "bb"], [["xyz", 1]])).toBe("a    bb\nxyz  1");
  });
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Option builders run in node (tests, report SVGs): they may import echarts *types* only, never React or the
// echarts runtime, which touches the DOM on import.
describe("lib/charts stays pure", () => {
  const dir = path.resolve(__dirname, "../../../lib/charts");
  const files = fs.readdirSync(dir).filter((file) => file.endsWith(".ts"));

  it.each(files)("%s imports no React and no echarts runtime", (file) => {
    const source = fs.readFileSync(path.join(dir, file), "utf8");
    const runtimeImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)].map((match) => match[1]);
    expect(runtimeImports.filter((spec) => /^(react|react-dom|echarts)(\/|$)/.test(spec))).toEqual([]);
  });
});

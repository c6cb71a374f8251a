import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The analysis is pure: plain data in, plain data out. It must run unchanged in a page, a report and a test, so
// it may not reach the database, the file system, React or ECharts.
describe("lib/analysis stays pure", () => {
  const dir = path.resolve(__dirname, "../../../lib/analysis");
  const files = fs.readdirSync(dir).filter((file) => file.endsWith(".ts"));

  it.each(files)("%s imports only pure modules", (file) => {
    const source = fs.readFileSync(path.join(dir, file), "utf8");
    const imports = [...source.matchAll(/^import\s+[^;]*?from\s+"([^"]+)"/gm)].map((match) => match[1]);
    // lib/format (number formatting) and lib/errors (the typed error class) are pure themselves.
    const allowed = (spec: string) => spec.startsWith("./") || spec === "../format" || spec === "../errors";
    expect(imports.filter((spec) => !allowed(spec))).toEqual([]);
  });
});

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PmaError } from "../../../lib/errors";
import { readSafetensorsHeader } from "../../../lib/safetensors/file";
import { SAFETENSORS_ERROR_CODES, parseSafetensorsBytes } from "../../../lib/safetensors/header";
import { layoutHeader } from "../../../lib/safetensors/writer";
import { makeTempDir, mulberry32, rawSafetensors } from "../../helpers/checkpoint-fixtures";

/**
 * Mutation property: corrupt a valid file's length prefix, header and size in random ways; the only
 * acceptable outcomes are a valid parse or a PmaError with a known code, each fast.
 */
const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KNOWN = new Set<string>(SAFETENSORS_ERROR_CODES);
const INTERESTING = [...'{}[],:"\\0123456789-eE. u'].map((c) => c.charCodeAt(0)).concat([0x00, 0x80, 0xc3, 0xed, 0xff]);

function validFile(): Uint8Array {
  const layout = layoutHeader(
    [
      { name: "model.embed_tokens.weight", dtype: "BF16", shape: [4, 3] },
      { name: "model.layers.0.mlp.up_proj.weight", dtype: "F32", shape: [2, 3] },
      { name: "ids", dtype: "I64", shape: [2] },
      { name: "empty", dtype: "F16", shape: [0, 5] },
    ],
    { format: "pt", note: "x" },
  );
  const file = new Uint8Array(layout.dataOffset + layout.dataLength).fill(7);
  file.set(layout.headerBytes);
  return file;
}

function mutate(base: Uint8Array, rnd: () => number): Uint8Array {
  const int = (n: number) => Math.floor(rnd() * n);
  const headerEnd = Number(new DataView(base.buffer).getBigUint64(0, true)) + 8;
  let out: Uint8Array = base.slice();
  for (let k = 0, n = 1 + int(3); k < n; k++) {
    const kind = int(6);
    if (kind === 0) out[8 + int(headerEnd - 8)] ^= 1 << int(8);
    else if (kind === 1) out[8 + int(headerEnd - 8)] = INTERESTING[int(INTERESTING.length)];
    else if (kind === 2) out[int(8)] = int(256);
    else if (kind === 3 && out.byteLength >= 8) new DataView(out.buffer).setBigUint64(0, BigInt(int(headerEnd * 2)), true);
    else if (kind === 4) out = out.slice(0, int(out.byteLength));
    else out = Uint8Array.from([...out, ...Array.from({ length: 1 + int(16) }, () => int(256))]);
  }
  return out;
}

function classify(run: () => unknown): "valid" | string {
  try {
    run();
    return "valid";
  } catch (error) {
    if (!(error instanceof PmaError) || !KNOWN.has(error.code)) throw error;
    return error.code;
  }
}

describe("mutated files", () => {
  it("yield a valid parse or a known typed error, each in < 50 ms (5000 mutations)", () => {
    const base = validFile();
    expect(classify(() => parseSafetensorsBytes(base))).toBe("valid");
    const seen = new Map<string, number>();
    let slowest = 0;
    for (let seed = 1; seed <= 5000; seed++) {
      const bytes = mutate(base, mulberry32(seed));
      const started = performance.now();
      const outcome = classify(() => parseSafetensorsBytes(bytes));
      slowest = Math.max(slowest, performance.now() - started);
      expect(performance.now() - started, `seed ${seed}`).toBeLessThan(50);
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
    }
    console.log(
      `safetensors mutation property: 5000 mutated files → ${seen.get("valid") ?? 0} valid, the rest ${[...seen].filter(([code]) => code !== "valid").length} distinct typed errors; slowest ${slowest.toFixed(2)} ms`,
    );
    // The mutations must actually reach deep into the parser, not just trip the first check.
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });

  it("read from disk behave the same (150 mutations)", async () => {
    const base = validFile();
    const path = join(dir, "m.safetensors");
    for (let seed = 1; seed <= 150; seed++) {
      const bytes = mutate(base, mulberry32(seed * 31));
      writeFileSync(path, bytes);
      const expected = classify(() => parseSafetensorsBytes(bytes));
      const outcome = await readSafetensorsHeader(path).then(
        () => "valid",
        (error) => {
          if (!(error instanceof PmaError) || !KNOWN.has(error.code)) throw error;
          return error.code;
        },
      );
      expect(outcome, `seed ${seed}`).toBe(expected);
    }
  });

  it("huge declared shapes and lengths are refused without allocating by them", () => {
    const cases = [
      rawSafetensors({ a: { dtype: "F32", shape: [2 ** 40], data_offsets: [0, 2 ** 42] } }, 4),
      rawSafetensors({ a: { dtype: "F32", shape: [2 ** 40], data_offsets: [0, 4] } }, 4),
      rawSafetensors({ a: { dtype: "U8", shape: [2 ** 26, 2 ** 26], data_offsets: [0, 2 ** 52] } }, 4),
      rawSafetensors("{}", 0, 99_999_999),
    ];
    const before = process.memoryUsage();
    for (const bytes of cases) {
      const started = performance.now();
      expect(classify(() => parseSafetensorsBytes(bytes))).not.toBe("valid");
      expect(performance.now() - started).toBeLessThan(50);
    }
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(8 * 1024 * 1024);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
  });
});

import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSafetensorsBytes } from "../../../lib/safetensors/header";
import { SafetensorsWriter, layoutHeader, writeSafetensorsFile } from "../../../lib/safetensors/writer";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const code = (c: string) => expect.objectContaining({ code: c });
const specs = [
  { name: "w", dtype: "F32" as const, shape: [3] },
  { name: "b", dtype: "BF16" as const, shape: [1] },
];

describe("layoutHeader", () => {
  it("lays tensors out in order, pads to an 8-byte data start with spaces", () => {
    const l = layoutHeader(specs, { format: "pt" });
    expect(l.tensors.map((t) => [t.name, t.begin, t.end])).toEqual([["w", 0, 12], ["b", 12, 14]]);
    expect(l.dataOffset % 8).toBe(0);
    expect(l.headerBytes.byteLength).toBe(l.dataOffset);
    const text = new TextDecoder().decode(l.headerBytes.subarray(8));
    expect(text).toMatch(/^\{"__metadata__":\{"format":"pt"\},"w":.* *$/);
    const full = new Uint8Array(l.dataOffset + l.dataLength);
    full.set(l.headerBytes);
    expect(parseSafetensorsBytes(full).tensors).toEqual(l.tensors);
  });

  it("refuses what the parser would refuse", () => {
    expect(() => layoutHeader([{ name: "", dtype: "F32", shape: [] }])).toThrow(code("st_bad_tensor_name"));
    expect(() => layoutHeader([{ name: "__metadata__", dtype: "F32", shape: [] }])).toThrow(code("st_bad_tensor_name"));
    expect(() => layoutHeader([{ name: "\ud800", dtype: "F32", shape: [] }])).toThrow(code("st_bad_tensor_name"));
    expect(() => layoutHeader([specs[0], specs[0]])).toThrow(code("st_duplicate_key"));
    expect(() => layoutHeader([{ name: "x", dtype: "F9" as "F32", shape: [] }])).toThrow(code("st_unknown_dtype"));
    expect(() => layoutHeader([{ name: "x", dtype: "F32", shape: [1.5] }])).toThrow(code("st_bad_shape"));
    expect(() => layoutHeader([{ name: "x", dtype: "F32", shape: Array(17).fill(1) }])).toThrow(code("st_rank_too_large"));
    expect(() => layoutHeader([{ name: "x", dtype: "F64", shape: [2 ** 51] }])).toThrow(code("st_numel_overflow"));
    expect(() => layoutHeader([], { a: 1 as unknown as string })).toThrow(code("st_bad_metadata"));
  });
});

describe("SafetensorsWriter", () => {
  it("hashes the whole file and reports its size", async () => {
    const path = join(dir, "ok.safetensors");
    const w = await SafetensorsWriter.create(path, specs);
    await w.write(new Uint8Array(5).fill(1));
    await w.write(new Uint8Array(0));
    await w.write(new Uint8Array(9).fill(2));
    const { bytes, sha256 } = await w.finish();
    const file = readFileSync(path);
    expect(bytes).toBe(file.byteLength);
    expect(sha256).toBe(createHash("sha256").update(file).digest("hex"));
  });

  it("writes chunks larger than its buffer directly, in order", async () => {
    const n = 9 * 1024 * 1024;
    const path = join(dir, "big.safetensors");
    const data = new Uint8Array(n + 3).map((_, i) => i * 7);
    const res = await writeSafetensorsFile(path, [{ name: "x", dtype: "U8", shape: [3], data: data.subarray(0, 3) }, { name: "y", dtype: "U8", shape: [n], data: data.subarray(3) }]);
    const file = readFileSync(path);
    expect(res.sha256).toBe(createHash("sha256").update(file).digest("hex"));
    const h = parseSafetensorsBytes(file);
    expect(Buffer.from(file.subarray(h.dataOffset)).equals(Buffer.from(data))).toBe(true);
  });

  it("st_write_overflow, st_write_incomplete, st_writer_closed", async () => {
    const w = await SafetensorsWriter.create(join(dir, "partial.safetensors"), specs);
    await expect(w.write(new Uint8Array(15))).rejects.toEqual(code("st_write_overflow"));
    await w.write(new Uint8Array(13));
    await expect(w.finish()).rejects.toEqual(code("st_write_incomplete"));
    await w.abort();
    expect(existsSync(join(dir, "partial.safetensors"))).toBe(false);
    await expect(w.write(new Uint8Array(1))).rejects.toEqual(code("st_writer_closed"));
    await w.abort(); // twice is fine
  });

  it("st_writer_closed for overlapping writes", async () => {
    const w = await SafetensorsWriter.create(join(dir, "overlap.safetensors"), [{ name: "x", dtype: "U8", shape: [20_000_000] }]);
    const first = w.write(new Uint8Array(10_000_000));
    await expect(w.write(new Uint8Array(1))).rejects.toEqual(code("st_writer_closed"));
    await first;
    await w.abort();
  });

  it("st_output_exists: never overwrites", async () => {
    const path = join(dir, "ok.safetensors");
    const before = readFileSync(path);
    await expect(SafetensorsWriter.create(path, specs)).rejects.toEqual(code("st_output_exists"));
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("st_write_failed when the file cannot be created", async () => {
    await expect(SafetensorsWriter.create(join(dir, "missing-dir", "x.safetensors"), specs)).rejects.toEqual(code("st_write_failed"));
  });

  it("st_bad_tensor_data: data length must match the shape, and nothing is left behind", async () => {
    const path = join(dir, "short.safetensors");
    await expect(writeSafetensorsFile(path, [{ name: "x", dtype: "F32", shape: [2], data: new Uint8Array(4) }])).rejects.toEqual(code("st_bad_tensor_data"));
    expect(existsSync(path)).toBe(false);
  });
});

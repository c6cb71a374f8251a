import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { fsError } from "../../../lib/safetensors/errors";
import { TensorReader, readSafetensorsHeader } from "../../../lib/safetensors/file";
import { writeSafetensorsFile } from "../../../lib/safetensors/writer";
import { makeTempDir, rawSafetensors } from "../../helpers/checkpoint-fixtures";

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const code = (c: string) => expect.objectContaining({ code: c });

async function sampleFile(name: string) {
  const path = join(dir, name);
  const data = Uint8Array.from({ length: 24 }, (_, i) => i);
  await writeSafetensorsFile(path, [
    { name: "a", dtype: "F32", shape: [2, 2], data: data.subarray(0, 16) },
    { name: "b", dtype: "U8", shape: [8], data: data.subarray(16) },
  ], { format: "pt" });
  return path;
}

describe("readSafetensorsHeader", () => {
  it("reads the header and names the file in errors", async () => {
    const path = await sampleFile("ok.safetensors");
    const h = await readSafetensorsHeader(path);
    expect(h.filePath).toBe(path);
    expect(h.dataOffset % 8).toBe(0);
    expect(h.fileSize).toBe(h.dataOffset + 24);
    expect(h.tensors.map((t) => t.name)).toEqual(["a", "b"]);
    const bad = join(dir, "bad.safetensors");
    writeFileSync(bad, rawSafetensors({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, 8));
    await expect(readSafetensorsHeader(bad)).rejects.toThrow(new RegExp(`${bad}: tensor "a"`));
  });

  it("st_file_too_small", async () => {
    writeFileSync(join(dir, "tiny"), "abc");
    await expect(readSafetensorsHeader(join(dir, "tiny"))).rejects.toEqual(code("st_file_too_small"));
  });

  it("st_header_length_beyond_file, without allocating the claimed size", async () => {
    writeFileSync(join(dir, "claims"), rawSafetensors("{}", 0, 99_000_000));
    await expect(readSafetensorsHeader(join(dir, "claims"))).rejects.toEqual(code("st_header_length_beyond_file"));
  });

  it("st_lfs_pointer says the weights were not downloaded", async () => {
    const path = join(dir, "lfs.safetensors");
    writeFileSync(path, "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 4942057472\n");
    const err = await readSafetensorsHeader(path).catch((e) => e);
    expect(err).toEqual(code("st_lfs_pointer"));
    expect(err.message).toMatch(/not downloaded.*git lfs pull/);
  });

  it("st_not_regular_file for a directory and a FIFO (without blocking on the FIFO)", async () => {
    mkdirSync(join(dir, "sub.safetensors"));
    await expect(readSafetensorsHeader(join(dir, "sub.safetensors"))).rejects.toEqual(code("st_not_regular_file"));
    const fifo = join(dir, "fifo.safetensors");
    execFileSync("mkfifo", [fifo]);
    await expect(readSafetensorsHeader(fifo)).rejects.toEqual(code("st_not_regular_file"));
  });

  it("st_file_not_found", async () => {
    await expect(readSafetensorsHeader(join(dir, "nope"))).rejects.toEqual(code("st_file_not_found"));
  });

  it("st_io_error maps other fs failures as retryable", () => {
    const err = fsError(Object.assign(new Error("EIO: i/o error"), { code: "EIO" }), "shard", "/x");
    expect(err).toEqual(code("st_io_error"));
    expect(err.permanent).toBe(false);
  });
});

describe("TensorReader", () => {
  it("reads exactly the requested range into a reused buffer", async () => {
    const path = await sampleFile("read.safetensors");
    const reader = await TensorReader.open(path);
    const [a, b] = reader.header.tensors;
    const buf = new Uint8Array(16).fill(0xee);
    await reader.readInto(a, buf);
    expect(Array.from(buf)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    await reader.readInto(b, buf, 3, 4);
    expect(Array.from(buf.subarray(0, 5))).toEqual([19, 20, 21, 22, 4]);
    await reader.close();
  });

  it("st_bad_read_range", async () => {
    const reader = await TensorReader.open(await sampleFile("range.safetensors"));
    const [a] = reader.header.tensors;
    await expect(reader.readInto(a, new Uint8Array(32))).rejects.toEqual(code("st_bad_read_range"));
    await expect(reader.readInto(a, new Uint8Array(4), 14)).rejects.toEqual(code("st_bad_read_range"));
    await expect(reader.readInto(a, new Uint8Array(4), 0, 8)).rejects.toEqual(code("st_bad_read_range"));
    await expect(reader.readInto(a, new Uint8Array(4), -1)).rejects.toEqual(code("st_bad_read_range"));
    await reader.close();
  });

  it("st_file_changed when the file's size differs from its header read", async () => {
    const path = await sampleFile("changed.safetensors");
    const header = await readSafetensorsHeader(path);
    appendFileSync(path, "x");
    await expect(TensorReader.open(path, header)).rejects.toEqual(code("st_file_changed"));
  });

  it("st_short_read when the file shrinks under an open reader", async () => {
    const path = await sampleFile("shrink.safetensors");
    const reader = await TensorReader.open(path);
    truncateSync(path, reader.header.dataOffset + 4);
    await expect(reader.readInto(reader.header.tensors[0], new Uint8Array(16))).rejects.toEqual(code("st_short_read"));
    await reader.close();
  });
});

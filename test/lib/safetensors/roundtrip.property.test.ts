import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DTYPES, DTYPE_SIZES, type Dtype } from "../../../lib/safetensors/dtypes";
import { TensorReader, readSafetensorsHeader } from "../../../lib/safetensors/file";
import { parseSafetensorsBytes } from "../../../lib/safetensors/header";
import { layoutHeader, writeSafetensorsFile } from "../../../lib/safetensors/writer";
import { makeTempDir, mulberry32 } from "../../helpers/checkpoint-fixtures";

/** Seeded property tests (a failing seed is printed, so any failure replays exactly). */
const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAME_PARTS = ["model", "layers", "0", "weight", "é", "名前", "😀", '"q"', "a\\b", " ", "\n", "__metadata", "x.y"];

function randomTensors(seed: number) {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const count = int(7);
  const names = new Set<string>();
  while (names.size < count) {
    const parts = Array.from({ length: 1 + int(4) }, () => NAME_PARTS[int(NAME_PARTS.length)]);
    names.add(parts.join(".") + names.size);
  }
  const tensors = [...names].map((name) => {
    const dtype: Dtype = DTYPES[int(DTYPES.length)];
    const shape = Array.from({ length: int(5) }, () => int(6));
    const bytes = shape.reduce((a, b) => a * b, 1) * DTYPE_SIZES[dtype];
    const data = Uint8Array.from({ length: bytes }, () => int(256));
    return { name, dtype, shape, data };
  });
  const metadata = rnd() < 0.5 ? null : Object.fromEntries(Array.from({ length: int(4) }, (_, i) => [`k${i}${NAME_PARTS[int(NAME_PARTS.length)]}`, NAME_PARTS[int(NAME_PARTS.length)]]));
  return { tensors, metadata };
}

describe("write → read round trip", () => {
  it("pure layout → parse reproduces every tensor (500 seeds)", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const { tensors, metadata } = randomTensors(seed);
      const layout = layoutHeader(tensors, metadata);
      const file = new Uint8Array(layout.dataOffset + layout.dataLength);
      file.set(layout.headerBytes);
      const parsed = parseSafetensorsBytes(file);
      const byBegin = [...layout.tensors].sort((a, b) => a.begin - b.begin || a.end - b.end || (a.name < b.name ? -1 : 1));
      expect(parsed.tensors, `seed ${seed}`).toEqual(byBegin);
      expect(parsed.metadata, `seed ${seed}`).toEqual(metadata);
      expect(parsed.dataOffset % 8).toBe(0);
    }
  });

  it("files: header, metadata and every tensor's bytes come back equal (40 seeds)", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { tensors, metadata } = randomTensors(seed * 7919);
      const path = join(dir, `rt-${seed}.safetensors`);
      const { bytes } = await writeSafetensorsFile(path, tensors, metadata);
      const header = await readSafetensorsHeader(path);
      expect(header.fileSize).toBe(bytes);
      expect(header.metadata).toEqual(metadata);
      const reader = await TensorReader.open(path, header);
      for (const t of tensors) {
        const info = header.tensors.find((x) => x.name === t.name)!;
        expect({ dtype: info.dtype, shape: info.shape }, `seed ${seed} ${t.name}`).toEqual({ dtype: t.dtype, shape: t.shape });
        const buf = new Uint8Array(t.data.byteLength);
        await reader.readInto(info, buf);
        expect(Buffer.from(buf).equals(Buffer.from(t.data)), `seed ${seed} ${t.name}`).toBe(true);
        if (buf.byteLength > 2) {
          const part = new Uint8Array(buf.byteLength);
          await reader.readInto(info, part, 1, buf.byteLength - 2);
          expect(Array.from(part.subarray(0, buf.byteLength - 2))).toEqual(Array.from(t.data.subarray(1, -1)));
        }
      }
      await reader.close();
    }
  });
});

import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeCheckpoint, openCheckpoint } from "../../../lib/safetensors/checkpoint";
import { TensorReader } from "../../../lib/safetensors/file";
import { decodeFloats, llamaTensorSpecs, makeTempDir, shardFileName, tensorValues, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { encodeFloats } from "../../../lib/safetensors/float-codec";
import { writeSafetensorsFile } from "../../../lib/safetensors/writer";

const root = makeTempDir();
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `ck${n++}`);
const code = (c: string) => expect.objectContaining({ code: c });
const INDEX = "model.safetensors.index.json";
const readIndex = (dir: string) => JSON.parse(readFileSync(join(dir, INDEX), "utf8"));
const writeIndex = (dir: string, index: unknown) => writeFileSync(join(dir, INDEX), JSON.stringify(index));

describe("openCheckpoint", () => {
  it("opens a single-file checkpoint with deterministic values", async () => {
    const dir = await writeCheckpoint(fresh(), { seed: 3 });
    const c = await openCheckpoint(dir);
    const specs = llamaTensorSpecs();
    expect(c.format).toBe("safetensors");
    expect(c.tensors.map((t) => t.name)).toEqual(specs.map((s) => s.name).sort());
    expect(c.dtypes).toEqual(["BF16"]);
    expect(c.params).toBe(specs.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0));
    expect(c.metadata).toEqual({ format: "pt" });
    const t = c.byName.get("model.norm.weight")!;
    expect(t.dataOffset).toBe(c.shards[0].dataOffset + t.info.begin);
    const reader = await TensorReader.open(t.shardPath, c.shards[0]);
    const buf = new Uint8Array(t.info.end - t.info.begin);
    await reader.readInto(t.info, buf);
    await reader.close();
    const expected = decodeFloats(encodeFloats(tensorValues(t.name, 16, 3), "BF16"), "BF16");
    expect(decodeFloats(buf, "BF16")).toEqual(expected);
    expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toMatchObject({ architectures: ["LlamaForCausalLM"], hidden_size: 16, num_hidden_layers: 2, vocab_size: 64 });
  });

  it("opens a sharded checkpoint and describes it", async () => {
    const dir = await writeCheckpoint(fresh(), { shards: 3, dtype: "F32", config: { torch_dtype: "float32" } });
    const c = await openCheckpoint(dir);
    expect(c.format).toBe("safetensors-sharded");
    expect(c.shards.map((s) => s.filePath)).toEqual([1, 2, 3].map((i) => join(dir, shardFileName(i, 3))));
    expect(c.totalBytes).toBe(c.shards.reduce((s, f) => s + f.fileSize, 0));
    expect(readIndex(dir).metadata.total_size).toBe(c.params * 4);
    const d = describeCheckpoint(c);
    expect(d).toMatchObject({ format: "safetensors-sharded", params: c.params, bytes: c.totalBytes, dtypes: ["F32"] });
    expect(d.shards.map((s) => s.tensors).reduce((a, b) => a + b)).toBe(c.tensors.length);
    expect(d.tensors[0]).toEqual({ name: "lm_head.weight", dtype: "F32", shape: [64, 16], bytes: 64 * 16 * 4 });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it("accepts one arbitrarily named *.safetensors file, and a differently named index", async () => {
    const dir = await writeCheckpoint(fresh(), {});
    renameSync(join(dir, "model.safetensors"), join(dir, "weights.safetensors"));
    expect((await openCheckpoint(dir)).shards[0].filePath).toBe(join(dir, "weights.safetensors"));
    const sharded = await writeCheckpoint(fresh(), { shards: 2 });
    renameSync(join(sharded, INDEX), join(sharded, "other.safetensors.index.json"));
    expect((await openCheckpoint(sharded)).format).toBe("safetensors-sharded");
  });

  it("st_shard_missing", async () => {
    const dir = await writeCheckpoint(fresh(), { shards: 2 });
    rmSync(join(dir, shardFileName(2, 2)));
    await expect(openCheckpoint(dir)).rejects.toEqual(code("st_shard_missing"));
  });

  it("st_index_mismatch: tensor missing from the index, listed in the wrong shard, listed but absent", async () => {
    const a = await writeCheckpoint(fresh(), { shards: 2 });
    const ia = readIndex(a);
    delete ia.weight_map["model.norm.weight"];
    writeIndex(a, ia);
    await expect(openCheckpoint(a)).rejects.toEqual(code("st_index_mismatch"));

    const b = await writeCheckpoint(fresh(), { shards: 2 });
    const ib = readIndex(b);
    ib.weight_map["model.norm.weight"] = ib.weight_map["model.norm.weight"] === shardFileName(1, 2) ? shardFileName(2, 2) : shardFileName(1, 2);
    writeIndex(b, ib);
    await expect(openCheckpoint(b)).rejects.toEqual(code("st_index_mismatch"));

    const c = await writeCheckpoint(fresh(), { shards: 2 });
    const ic = readIndex(c);
    ic.weight_map["ghost.weight"] = shardFileName(1, 2);
    writeIndex(c, ic);
    await expect(openCheckpoint(c)).rejects.toThrow(/ghost\.weight/);
  });

  it("st_duplicate_tensor: the same tensor stored in two shards", async () => {
    const dir = await writeCheckpoint(fresh(), { shards: 2 });
    await writeSafetensorsFile(join(dir, "extra-00001.safetensors"), [{ name: "model.norm.weight", dtype: "BF16", shape: [1], data: new Uint8Array(2) }]);
    const index = readIndex(dir);
    index.weight_map["lm_head.weight"] = "extra-00001.safetensors"; // makes the extra file a listed shard
    writeIndex(dir, index);
    await expect(openCheckpoint(dir)).rejects.toEqual(code("st_duplicate_tensor"));
  });

  it("st_index_bad_shard_name: a shard name that is a path", async () => {
    for (const bad of ["../x.safetensors", "/etc/x.safetensors", "a/b.safetensors", "..\\x.safetensors", "C:x.safetensors", "x.bin", "x\u0000.safetensors"]) {
      const dir = await writeCheckpoint(fresh(), { shards: 2 });
      const index = readIndex(dir);
      index.weight_map["model.norm.weight"] = bad;
      writeIndex(dir, index);
      await expect(openCheckpoint(dir), bad).rejects.toEqual(code("st_index_bad_shard_name"));
    }
  });

  it("st_index_invalid: broken index JSON", async () => {
    const dir = await writeCheckpoint(fresh(), { shards: 2 });
    writeFileSync(join(dir, INDEX), "{not json");
    await expect(openCheckpoint(dir)).rejects.toEqual(code("st_index_invalid"));
  });

  it("st_lfs_pointer: weights never pulled", async () => {
    const dir = await writeCheckpoint(fresh(), {});
    writeFileSync(join(dir, "model.safetensors"), "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n");
    await expect(openCheckpoint(dir)).rejects.toThrow(/git lfs pull/);
  });

  it("st_pickle_refused, st_no_weights, st_ambiguous_weights, st_not_a_directory", async () => {
    const pickle = await writeCheckpoint(fresh(), { extraFiles: { "pytorch_model.bin": "\x80\x02}q\x00." } });
    rmSync(join(pickle, "model.safetensors"));
    const err = await openCheckpoint(pickle).catch((e) => e);
    expect(err).toEqual(code("st_pickle_refused"));
    expect(err.message).toMatch(/execute code/);

    const empty = await writeCheckpoint(fresh(), {});
    rmSync(join(empty, "model.safetensors"));
    await expect(openCheckpoint(empty)).rejects.toEqual(code("st_no_weights"));

    const two = await writeCheckpoint(fresh(), { shards: 2 });
    rmSync(join(two, INDEX));
    await expect(openCheckpoint(two)).rejects.toEqual(code("st_ambiguous_weights"));

    await expect(openCheckpoint(join(two, "config.json"))).rejects.toEqual(code("st_not_a_directory"));
    await expect(openCheckpoint(join(root, "does-not-exist"))).rejects.toEqual(code("st_file_not_found"));
  });

  it("fixtures: fill, integer tensors and more shards than tensors", async () => {
    const tensors = [
      { name: "pos", dtype: "I64" as const, shape: [3] },
      { name: "w", dtype: "F16" as const, shape: [2] },
    ];
    const dir = await writeCheckpoint(fresh(), { tensors, shards: 5, fill: (_name, i) => -i });
    const c = await openCheckpoint(dir);
    expect(c.shards.length).toBe(2);
    const read = async (name: string) => {
      const t = c.byName.get(name)!;
      const reader = await TensorReader.open(t.shardPath);
      const buf = new Uint8Array(t.info.end - t.info.begin);
      await reader.readInto(t.info, buf);
      await reader.close();
      return buf;
    };
    const pos = await read("pos");
    expect(Array.from(new BigInt64Array(pos.buffer))).toEqual([0n, -1n, -2n]);
    expect(Array.from(decodeFloats(await read("w"), "F16"))).toEqual([-0, -1]);
  });
});

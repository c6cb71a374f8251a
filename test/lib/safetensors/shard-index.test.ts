import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SAFETENSORS_ERROR_CODES } from "../../../lib/safetensors/header";
import { findWeights } from "../../../lib/safetensors/weights-files";
import { formatShardIndex, parseShardIndex } from "../../../lib/safetensors/shard-index";

const code = (c: string) => expect.objectContaining({ code: c });

describe("parseShardIndex / formatShardIndex", () => {
  it("round-trips HF's format with sorted keys", () => {
    const text = formatShardIndex({ "b.w": "model-00002-of-00002.safetensors", "a.w": "model-00001-of-00002.safetensors" }, 1234);
    expect(text).toBe('{\n  "metadata": {\n    "total_size": 1234\n  },\n  "weight_map": {\n    "a.w": "model-00001-of-00002.safetensors",\n    "b.w": "model-00002-of-00002.safetensors"\n  }\n}\n');
    expect(parseShardIndex(text, "idx")).toEqual({ metadata: { total_size: 1234 }, weightMap: { "a.w": "model-00001-of-00002.safetensors", "b.w": "model-00002-of-00002.safetensors" } });
  });

  it("st_index_invalid for bad JSON and bad shapes", () => {
    for (const text of ["", "[]", "{}", '{"weight_map": []}', '{"weight_map": {"a": 1}}', '{"weight_map": {}}', '{"metadata": 1, "weight_map": {"a": "x.safetensors"}}']) {
      expect(() => parseShardIndex(text, "idx"), text).toThrow(code("st_index_invalid"));
    }
  });

  it("st_index_bad_shard_name for anything but a plain *.safetensors basename", () => {
    for (const bad of ["", ".", "..", "../x.safetensors", "a/../x.safetensors", "/abs.safetensors", "a\\b.safetensors", ".hidden.safetensors", "x.bin", "D:\\x.safetensors", "x\n.safetensors"]) {
      expect(() => parseShardIndex(JSON.stringify({ weight_map: { a: bad } }), "idx"), bad).toThrow(code("st_index_bad_shard_name"));
    }
  });
});

describe("findWeights", () => {
  it("prefers model.safetensors, then the index, then a lone file", () => {
    expect(findWeights(["model.safetensors", "model.safetensors.index.json"], "d")).toEqual({ kind: "single", file: "model.safetensors" });
    expect(findWeights(["model.safetensors.index.json", "a.safetensors", "b.safetensors"], "d")).toEqual({ kind: "sharded", index: "model.safetensors.index.json" });
    expect(findWeights(["w.safetensors", "pytorch_model.bin"], "d")).toEqual({ kind: "single", file: "w.safetensors" });
    expect(() => findWeights(["a.safetensors.index.json", "b.safetensors.index.json"], "d")).toThrow(code("st_ambiguous_weights"));
    expect(() => findWeights(["model.pt", "README.md"], "d")).toThrow(code("st_pickle_refused"));
    expect(() => findWeights(["README.md"], "d")).toThrow(code("st_no_weights"));
  });
});

describe("error code coverage", () => {
  it("every code in SAFETENSORS_ERROR_CODES is exercised by some test in this folder", () => {
    const dir = join(__dirname);
    const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
    const untested = SAFETENSORS_ERROR_CODES.filter((c) => !text.includes(`"${c}"`));
    expect(untested).toEqual([]);
    expect(new Set(SAFETENSORS_ERROR_CODES).size).toBe(SAFETENSORS_ERROR_CODES.length);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { PmaError } from "../../../lib/errors";
import { HEADER_LIMITS, type HeaderLimits, SAFETENSORS_ERROR_CODES, parseHeader, parseSafetensorsBytes, readHeaderLength } from "../../../lib/safetensors/header";
import { rawSafetensors } from "../../helpers/checkpoint-fixtures";

const t = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
const enc = (s: string) => new TextEncoder().encode(s);
/** Length prefix + arbitrary header bytes + data. */
const withBytes = (header: Uint8Array, data = 0) => {
  const out = new Uint8Array(8 + header.byteLength + data);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  out.set(header, 8);
  return out;
};
const deep = "[".repeat(100) + "]".repeat(100);

type Case = [code: string, label: string, bytes: Uint8Array, limits?: Partial<HeaderLimits>];

/** The malformed corpus: each file must be refused with exactly this code. */
const corpus: Case[] = [
  ["st_file_too_small", "empty file", new Uint8Array(0)],
  ["st_file_too_small", "5 bytes", new Uint8Array(5)],
  ["st_header_too_large", "N just over 100 MB", rawSafetensors("{}", 0, 100_000_001)],
  ["st_header_too_large", "N = 2^64 - 1", rawSafetensors("{}", 0, 2n ** 64n - 1n)],
  ["st_header_too_large", "N over a lowered cap", rawSafetensors("{}     ", 0), { maxHeaderBytes: 4 }],
  ["st_header_length_beyond_file", "N past the end", rawSafetensors("{}", 0, 1000)],
  ["st_header_length_beyond_file", "N one past the end", rawSafetensors("{}", 0, 3)],
  ["st_header_not_utf8", "invalid byte 0xFF", withBytes(new Uint8Array([0x7b, 0xff, 0x7d]))],
  ["st_header_not_utf8", "overlong encoding", withBytes(new Uint8Array([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]))],
  ["st_header_not_utf8", "encoded surrogate", withBytes(new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]))],
  ["st_header_not_json", "empty header", rawSafetensors("")],
  ["st_header_not_json", "truncated object", rawSafetensors('{"a":')],
  ["st_header_not_json", "single quotes", rawSafetensors("{'a': 1}")],
  ["st_header_not_json", "trailing comma", rawSafetensors('{"__metadata__":{},}')],
  ["st_header_not_json", "garbage after object", rawSafetensors("{} x")],
  ["st_header_not_json", "NUL padding", rawSafetensors("{}\0\0")],
  ["st_header_not_json", "byte order mark", withBytes(enc("\ufeff{}"))],
  ["st_header_not_json", "lone surrogate escape", rawSafetensors('{"\\ud800":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}', 4)],
  ["st_header_not_json", "raw control character", rawSafetensors('{"a\nb":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}', 4)],
  ["st_header_not_json", "bad escape", rawSafetensors('{"a\\x":{}}')],
  ["st_header_not_json", "leading zero", rawSafetensors('{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}', 4)],
  ["st_header_not_object", "array", rawSafetensors("[]")],
  ["st_header_not_object", "string", rawSafetensors('"x"')],
  ["st_header_not_object", "leading whitespace", rawSafetensors(" {}")],
  ["st_header_too_deep", "deeply nested unknown field", rawSafetensors(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4],"x":${deep}}}`, 4)],
  ["st_duplicate_key", "tensor twice", rawSafetensors('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8)],
  ["st_duplicate_key", "dtype twice", rawSafetensors('{"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}', 4)],
  ["st_duplicate_key", "metadata twice", rawSafetensors('{"__metadata__":{},"__metadata__":{}}')],
  ["st_duplicate_key", "metadata key twice", rawSafetensors('{"__metadata__":{"k":"1","k":"2"}}')],
  ["st_unsafe_integer", "offset 2^53 + 1", rawSafetensors('{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,9007199254740993]}}', 1)],
  ["st_unsafe_integer", "shape 2^64", rawSafetensors('{"a":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,1]}}', 1)],
  ["st_bad_tensor_entry", "entry is a number", rawSafetensors({ a: 5 })],
  ["st_bad_tensor_entry", "entry is an array", rawSafetensors({ a: [] })],
  ["st_bad_tensor_name", "empty name", rawSafetensors({ "": t("F32", [1], [0, 4]) }, 4)],
  ["st_bad_tensor_name", "2000-character name", rawSafetensors({ ["n".repeat(2000)]: t("F32", [1], [0, 4]) }, 4)],
  ["st_unknown_dtype", "F128", rawSafetensors({ a: t("F128", [1], [0, 16]) }, 16)],
  ["st_unknown_dtype", "lowercase f32", rawSafetensors({ a: t("f32", [1], [0, 4]) }, 4)],
  ["st_unknown_dtype", "__proto__", rawSafetensors({ a: t("__proto__", [1], [0, 4]) }, 4)],
  ["st_unknown_dtype", "missing dtype", rawSafetensors({ a: { shape: [1], data_offsets: [0, 4] } }, 4)],
  ["st_unknown_dtype", "dtype is a number", rawSafetensors({ a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, 4)],
  ["st_bad_shape", "negative dimension", rawSafetensors({ a: t("F32", [-1], [0, 4]) }, 4)],
  ["st_bad_shape", "fractional dimension", rawSafetensors({ a: t("F32", [2.5], [0, 10]) }, 10)],
  ["st_bad_shape", "exponent dimension", rawSafetensors('{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', 4)],
  ["st_bad_shape", "string dimension", rawSafetensors({ a: t("F32", ["1"], [0, 4]) }, 4)],
  ["st_bad_shape", "shape not an array", rawSafetensors({ a: t("F32", 1, [0, 4]) }, 4)],
  ["st_bad_shape", "missing shape", rawSafetensors({ a: { dtype: "F32", data_offsets: [0, 4] } }, 4)],
  ["st_rank_too_large", "17 dimensions", rawSafetensors({ a: t("F32", Array(17).fill(1), [0, 4]) }, 4)],
  ["st_rank_too_large", "million-element shape", rawSafetensors(`{"a":{"dtype":"F32","shape":[${Array(1e6).fill(1)}],"data_offsets":[0,4]}}`, 4)],
  ["st_numel_overflow", "2^30 × 2^30 × 2^30 elements", rawSafetensors({ a: t("U8", [2 ** 30, 2 ** 30, 2 ** 30], [0, 1]) }, 1)],
  ["st_numel_overflow", "2^51 F64 elements", rawSafetensors({ a: t("F64", [2 ** 51], [0, 8]) }, 8)],
  ["st_bad_offsets", "missing offsets", rawSafetensors({ a: { dtype: "F32", shape: [1] } }, 4)],
  ["st_bad_offsets", "three offsets", rawSafetensors({ a: t("F32", [1], [0, 4, 8]) }, 4)],
  ["st_bad_offsets", "one offset", rawSafetensors({ a: t("F32", [1], [0]) }, 4)],
  ["st_bad_offsets", "end before begin", rawSafetensors({ a: t("F32", [0], [4, 0]) }, 4)],
  ["st_bad_offsets", "negative offset", rawSafetensors({ a: t("F32", [1], [-4, 0]) }, 4)],
  ["st_offsets_not_contiguous", "gap at the start", rawSafetensors({ a: t("F32", [1], [4, 8]) }, 8)],
  ["st_offsets_not_contiguous", "gap between tensors", rawSafetensors({ a: t("F32", [1], [0, 4]), b: t("F32", [1], [8, 12]) }, 12)],
  ["st_offsets_not_contiguous", "overlap", rawSafetensors({ a: t("F32", [2], [0, 8]), b: t("F32", [1], [4, 8]) }, 8)],
  ["st_offsets_not_contiguous", "same bytes twice", rawSafetensors({ a: t("F32", [1], [0, 4]), b: t("F32", [1], [0, 4]) }, 4)],
  ["st_size_mismatch", "shape 2^40 in 4 bytes", rawSafetensors({ a: t("F32", [2 ** 40], [0, 4]) }, 4)],
  ["st_size_mismatch", "F32[3] in 8 bytes", rawSafetensors({ a: t("F32", [3], [0, 8]) }, 8)],
  ["st_data_length_mismatch", "trailing data", rawSafetensors({ a: t("F32", [1], [0, 4]) }, 8)],
  ["st_data_length_mismatch", "data cut short", rawSafetensors({ a: t("F32", [1], [0, 4]) }, 2)],
  ["st_data_length_mismatch", "declares 2^40 bytes", rawSafetensors({ a: t("U8", [2 ** 40], [0, 2 ** 40]) }, 4)],
  ["st_data_length_mismatch", "no tensors but data", rawSafetensors({}, 4)],
  ["st_bad_metadata", "value is a number", rawSafetensors({ __metadata__: { format: 1 } })],
  ["st_bad_metadata", "metadata is an array", rawSafetensors({ __metadata__: ["pt"] })],
  ["st_bad_metadata", "too many entries", rawSafetensors({ __metadata__: { a: "1", b: "2", c: "3" } }), { maxMetadataEntries: 2 }],
  ["st_too_many_tensors", "over a lowered cap", rawSafetensors({ a: t("U8", [1], [0, 1]), b: t("U8", [1], [1, 2]), c: t("U8", [1], [2, 3]) }, 3), { maxTensors: 2 }],
];

describe("malformed header corpus", () => {
  it("has at least 40 files and only known codes", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const [code] of corpus) expect(SAFETENSORS_ERROR_CODES).toContain(code);
  });

  let slowest = 0;
  afterAll(() => {
    console.log(`malformed safetensors corpus: ${corpus.length} files, ${new Set(corpus.map(([code]) => code)).size} distinct error codes, each refused with its own typed error; slowest ${slowest.toFixed(2)} ms`);
  });

  it.each(corpus)("%s: %s", (code, _label, bytes, limits) => {
    const started = performance.now();
    let caught: unknown;
    try {
      parseSafetensorsBytes(bytes, limits);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PmaError);
    expect((caught as PmaError).code).toBe(code);
    expect((caught as PmaError).permanent).toBe(true);
    expect((caught as PmaError).message.length).toBeLessThan(400);
    slowest = Math.max(slowest, performance.now() - started);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("valid headers", () => {
  it("accepts an empty header and no data", () => {
    const h = parseSafetensorsBytes(rawSafetensors("{}"));
    expect(h).toMatchObject({ tensors: [], metadata: null, headerLength: 2, dataOffset: 10, dataLength: 0 });
  });

  it("sorts tensors by offset, keeps metadata, ignores unknown fields and padding", () => {
    const header = `{"__metadata__":{"format":"pt","__proto__":"x"},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8],"extra":[{"x":null}]},"a\\u00e9":{"dtype":"U8","shape":[2,2],"data_offsets":[0,4]},"z":{"dtype":"F64","shape":[0],"data_offsets":[8,8]},"s":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}    `;
    const h = parseSafetensorsBytes(rawSafetensors(header, 12));
    expect(h.tensors.map((x) => x.name)).toEqual(["aé", "b", "z", "s"]);
    expect(h.tensors[3]).toEqual({ name: "s", dtype: "F32", shape: [], begin: 8, end: 12, numel: 1 });
    expect(h.metadata).toEqual({ format: "pt", ["__proto__"]: "x" });
    expect(Object.getPrototypeOf(h.metadata)).toBe(Object.prototype);
  });

  it("accepts null metadata and the largest safe offsets in a zero-size tensor layout", () => {
    const h = parseSafetensorsBytes(rawSafetensors('{"__metadata__":null,"a":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}'));
    expect(h.metadata).toBeNull();
    expect(h.tensors[0].numel).toBe(0);
  });
});

describe("readHeaderLength / parseHeader", () => {
  it("reads N without a file size and exposes the default limits", () => {
    expect(readHeaderLength(rawSafetensors("{}").subarray(0, 8))).toBe(2);
    expect(HEADER_LIMITS).toMatchObject({ maxHeaderBytes: 100_000_000, maxTensors: 100_000, maxRank: 16 });
  });

  it("refuses header bytes above the cap even without a length prefix", () => {
    expect(() => parseHeader(enc("{}   "), 0, { maxHeaderBytes: 3 })).toThrow(expect.objectContaining({ code: "st_header_too_large" }));
  });

  it("names the tensor and the problem in the message", () => {
    expect(() => parseSafetensorsBytes(rawSafetensors({ "layers.0.w": t("F32", [3], [0, 8]) }, 8))).toThrow(/"layers\.0\.w".*F32\[3\] = 12 bytes.*span 8/);
  });
});

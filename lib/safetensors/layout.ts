import { DTYPE_SIZES, type Dtype, isDtype } from "./dtypes";
import { quote, stError } from "./errors";
import { HEADER_LIMITS, type TensorInfo } from "./header";

/**
 * The writer's header layout, pure: like the reference writer we fix the whole header (names, shapes,
 * offsets) before any data is streamed, so the file can be written front to back in one pass. Everything we
 * lay out must be accepted by our own parser, so the same limits apply.
 */
export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: number[];
}

export interface HeaderLayout {
  /** The 8-byte length prefix plus the JSON, space-padded so the data section starts 8-byte aligned. */
  headerBytes: Uint8Array;
  dataOffset: number;
  /** In the given order; offsets relative to the data section. */
  tensors: TensorInfo[];
  dataLength: number;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function layoutHeader(tensors: TensorSpec[], metadata?: Record<string, string> | null): HeaderLayout {
  if (tensors.length > HEADER_LIMITS.maxTensors) {
    throw stError("st_too_many_tensors", `cannot write more than ${HEADER_LIMITS.maxTensors} tensors`);
  }
  const header: Record<string, unknown> = {};
  const define = (key: string, value: unknown) =>
    Object.defineProperty(header, key, { value, enumerable: true, writable: true, configurable: true });
  if (metadata) define("__metadata__", checkMetadata(metadata));
  const seen = new Set<string>();
  const infos: TensorInfo[] = [];
  let cursor = 0;
  for (const spec of tensors) {
    const numel = checkSpec(spec, seen);
    const begin = cursor;
    const end = begin + numel * DTYPE_SIZES[spec.dtype];
    if (!Number.isSafeInteger(end)) throw stError("st_numel_overflow", "the tensors add up to more than 2^53 bytes");
    infos.push({ name: spec.name, dtype: spec.dtype, shape: [...spec.shape], begin, end, numel });
    define(spec.name, { dtype: spec.dtype, shape: spec.shape, data_offsets: [begin, end] });
    cursor = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8; // 8 + padded is then a multiple of 8
  const headerBytes = new Uint8Array(8 + padded).fill(0x20, 8 + json.byteLength);
  new DataView(headerBytes.buffer).setBigUint64(0, BigInt(padded), true);
  headerBytes.set(json, 8);
  return { headerBytes, dataOffset: 8 + padded, tensors: infos, dataLength: cursor };
}

function checkSpec(spec: TensorSpec, seen: Set<string>): number {
  const { name, dtype, shape } = spec;
  const q = quote(name);
  if (typeof name !== "string" || name.length === 0 || name.length > HEADER_LIMITS.maxNameLength || LONE_SURROGATE.test(name)) {
    throw stError("st_bad_tensor_name", `cannot write tensor name ${q}: empty, too long or not valid Unicode`);
  }
  if (name === "__metadata__") throw stError("st_bad_tensor_name", "a tensor cannot be named __metadata__");
  if (seen.has(name)) throw stError("st_duplicate_key", `tensor ${q} is listed twice`);
  seen.add(name);
  if (!isDtype(dtype)) throw stError("st_unknown_dtype", `tensor ${q} has unknown dtype ${quote(String(dtype), 40)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw stError("st_bad_shape", `tensor ${q} shape must be a list of non-negative integers`);
  }
  if (shape.length > HEADER_LIMITS.maxRank) throw stError("st_rank_too_large", `tensor ${q} has more than ${HEADER_LIMITS.maxRank} dimensions`);
  // Same order of checks as the parser, so whatever we write it reads back.
  let numel = 1;
  for (const d of shape) {
    if (d !== 0 && numel > Number.MAX_SAFE_INTEGER / d) throw stError("st_numel_overflow", `tensor ${q} has too many elements`);
    numel *= d;
  }
  if (numel > Number.MAX_SAFE_INTEGER / DTYPE_SIZES[dtype]) throw stError("st_numel_overflow", `tensor ${q} is too large`);
  return numel;
}

function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > HEADER_LIMITS.maxMetadataEntries) throw stError("st_bad_metadata", "too many metadata entries");
  for (const [k, v] of entries) {
    if (typeof v !== "string" || LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) {
      throw stError("st_bad_metadata", `metadata ${quote(k)} must be a valid Unicode string`);
    }
  }
  return Object.fromEntries(entries);
}

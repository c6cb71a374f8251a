import { DTYPE_SIZES, isDtype } from "./dtypes";
import { quote, stError } from "./errors";
import type { HeaderLimits, TensorInfo } from "./header";
import { JsonCursor } from "./json-cursor";

/**
 * Walks the header text with the schema in hand: `{"__metadata__": {str: str}?, name: {dtype, shape,
 * data_offsets}, ...}`. Every per-tensor rule is checked here so the error can name the tensor; the
 * cross-tensor layout rules (contiguity, data length) are checked by the caller on the sorted list.
 */
export interface HeaderEntries {
  tensors: TensorInfo[];
  metadata: Record<string, string> | null;
}

export function readHeaderEntries(text: string, limits: HeaderLimits): HeaderEntries {
  const cur = new JsonCursor(text);
  if (text[0] !== "{") {
    cur.skipValue(); // throws st_header_not_json when it is not JSON at all
    if (!cur.atEnd()) cur.fail("unexpected trailing characters");
    throw stError("st_header_not_object", "header must be a JSON object starting with '{'");
  }
  cur.pos = 1;
  const seen = new Set<string>();
  const tensors: TensorInfo[] = [];
  let metadata: Record<string, string> | null = null;
  if (!cur.accept("}")) {
    do {
      const key = cur.readString();
      if (seen.has(key)) throw stError("st_duplicate_key", `header lists ${quote(key)} twice`, { key });
      seen.add(key);
      cur.expect(":");
      if (key === "__metadata__") {
        metadata = readMetadata(cur, limits);
        continue;
      }
      if (tensors.length >= limits.maxTensors) {
        throw stError("st_too_many_tensors", `header lists more than ${limits.maxTensors} tensors`, {
          limit: limits.maxTensors,
        });
      }
      tensors.push(readTensorEntry(cur, key, limits));
    } while (cur.accept(","));
    cur.expect("}");
  }
  if (!cur.atEnd()) cur.fail("unexpected characters after the header object");
  return { tensors, metadata };
}

function readMetadata(cur: JsonCursor, limits: HeaderLimits): Record<string, string> | null {
  if (cur.peek() === "n") {
    if (cur.readLiteral() === "null") return null;
  }
  if (cur.peek() !== "{") {
    refuse(cur, stError("st_bad_metadata", "__metadata__ must be an object mapping strings to strings"));
  }
  cur.pos++;
  const entries: [string, string][] = [];
  const seen = new Set<string>();
  if (cur.accept("}")) return {};
  do {
    const key = cur.readString();
    if (seen.has(key)) throw stError("st_duplicate_key", `__metadata__ lists ${quote(key)} twice`, { key });
    seen.add(key);
    if (seen.size > limits.maxMetadataEntries) {
      throw stError("st_bad_metadata", `__metadata__ has more than ${limits.maxMetadataEntries} entries`);
    }
    cur.expect(":");
    if (cur.peek() !== '"') refuse(cur, stError("st_bad_metadata", `__metadata__ value for ${quote(key)} is not a string`));
    entries.push([key, cur.readString()]);
  } while (cur.accept(","));
  cur.expect("}");
  // fromEntries defines own properties, so a key named "__proto__" stays data instead of changing the prototype.
  return Object.fromEntries(entries);
}

function readTensorEntry(cur: JsonCursor, name: string, limits: HeaderLimits): TensorInfo {
  if (name.length === 0) throw stError("st_bad_tensor_name", "header has a tensor with an empty name");
  if (name.length > limits.maxNameLength) {
    throw stError("st_bad_tensor_name", `tensor name ${quote(name)} is longer than ${limits.maxNameLength} characters`);
  }
  const q = quote(name);
  if (cur.peek() !== "{") refuse(cur, stError("st_bad_tensor_entry", `tensor ${q} is not an object`, { tensor: name }));
  cur.pos++;
  const seen = new Set<string>();
  let dtype: string | undefined;
  let shape: number[] | undefined;
  let offsets: number[] | undefined;
  if (!cur.accept("}")) {
    do {
      const key = cur.readString();
      if (seen.has(key)) throw stError("st_duplicate_key", `tensor ${q} lists ${quote(key)} twice`, { tensor: name });
      seen.add(key);
      cur.expect(":");
      if (key === "dtype") {
        if (cur.peek() !== '"') refuse(cur, stError("st_unknown_dtype", `tensor ${q} has a dtype that is not a string`));
        dtype = cur.readString();
      } else if (key === "shape") {
        shape = readIntArray(cur, name, "shape", limits.maxRank);
      } else if (key === "data_offsets") {
        offsets = readIntArray(cur, name, "data_offsets", 2);
      } else {
        cur.skipValue(1); // unknown fields are ignored, as by the reference parser
      }
    } while (cur.accept(","));
    cur.expect("}");
  }
  return checkTensor(name, dtype, shape, offsets);
}

function checkTensor(name: string, dtype?: string, shape?: number[], offsets?: number[]): TensorInfo {
  const q = quote(name);
  const details = { tensor: name };
  if (dtype === undefined) throw stError("st_unknown_dtype", `tensor ${q} has no dtype`, details);
  if (!isDtype(dtype)) throw stError("st_unknown_dtype", `tensor ${q} has unknown dtype ${quote(dtype, 40)}`, details);
  if (shape === undefined) throw stError("st_bad_shape", `tensor ${q} has no shape`, details);
  if (offsets === undefined) throw stError("st_bad_offsets", `tensor ${q} has no data_offsets`, details);
  if (offsets.length !== 2) throw stError("st_bad_offsets", `tensor ${q} data_offsets must be [begin, end]`, details);
  const [begin, end] = offsets;
  if (end < begin) throw stError("st_bad_offsets", `tensor ${q} ends (${end}) before it begins (${begin})`, details);
  // Multiply in shape order with a safe-integer check at each step, like the reference's checked_mul:
  // the declared shape is never used to size an allocation, only compared with the offsets.
  let numel = 1;
  for (const dim of shape) {
    if (dim !== 0 && numel > Number.MAX_SAFE_INTEGER / dim) {
      throw stError("st_numel_overflow", `tensor ${q} shape [${shape.join(", ")}] has too many elements`, details);
    }
    numel *= dim;
  }
  const size = DTYPE_SIZES[dtype];
  if (numel > Number.MAX_SAFE_INTEGER / size) {
    throw stError("st_numel_overflow", `tensor ${q} shape [${shape.join(", ")}] is too many bytes`, details);
  }
  if (end - begin !== numel * size) {
    const msg = `tensor ${q} is ${dtype}[${shape.join(", ")}] = ${numel * size} bytes but its offsets span ${end - begin}`;
    throw stError("st_size_mismatch", msg, { ...details, expected: numel * size, actual: end - begin });
  }
  return { name, dtype, shape, begin, end, numel };
}

function readIntArray(cur: JsonCursor, name: string, field: "shape" | "data_offsets", maxLen: number): number[] {
  const code = field === "shape" ? "st_bad_shape" : "st_bad_offsets";
  const q = quote(name);
  if (cur.peek() !== "[") refuse(cur, stError(code, `tensor ${q} ${field} is not an array`, { tensor: name }));
  cur.pos++;
  const out: number[] = [];
  if (cur.accept("]")) return out;
  do {
    if (out.length >= maxLen) {
      if (field === "shape") {
        throw stError("st_rank_too_large", `tensor ${q} has more than ${maxLen} dimensions`, { tensor: name });
      }
      throw stError(code, `tensor ${q} data_offsets must be [begin, end]`, { tensor: name });
    }
    const c = cur.peek();
    if (c !== "-" && !(c >= "0" && c <= "9")) {
      refuse(cur, stError(code, `tensor ${q} ${field} must hold only integers`, { tensor: name }));
    }
    out.push(toNonNegativeInt(cur.readNumberRaw(), q, field, code));
  } while (cur.accept(","));
  cur.expect("]");
  return out;
}

/** Judge the raw literal, not Number(raw): past 2^53 the conversion rounds and the error would be hidden. */
function toNonNegativeInt(raw: string, q: string, field: string, code: "st_bad_shape" | "st_bad_offsets"): number {
  if (!/^(0|[1-9][0-9]*)$/.test(raw)) {
    const what = raw.startsWith("-") ? "negative" : "not a plain integer";
    throw stError(code, `tensor ${q} ${field} value ${raw.slice(0, 40)} is ${what}`);
  }
  const value = Number(raw);
  if (raw.length > 16 || !Number.isSafeInteger(value)) {
    throw stError("st_unsafe_integer", `tensor ${q} ${field} value ${raw.slice(0, 40)} is above 2^53`);
  }
  return value;
}

/**
 * A value of the wrong kind: if it is not even valid JSON, say so (a truncated header should read as
 * truncated, not as a schema problem); otherwise raise the schema error.
 */
function refuse(cur: JsonCursor, error: Error): never {
  cur.skipValue(2);
  throw error;
}

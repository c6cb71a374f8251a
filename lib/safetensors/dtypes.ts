/**
 * The safetensors element types and their sizes in bytes. Only the four float types are mergeable: integer
 * and FP8 tensors are copied through (averaging quantised codes or token ids would be meaningless).
 */
export type Dtype =
  | "BOOL"
  | "U8"
  | "I8"
  | "U16"
  | "I16"
  | "U32"
  | "I32"
  | "U64"
  | "I64"
  | "F16"
  | "BF16"
  | "F32"
  | "F64"
  | "F8_E4M3"
  | "F8_E5M2";

export type FloatDtype = "F16" | "BF16" | "F32" | "F64";

export const DTYPE_SIZES: Record<Dtype, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  U16: 2,
  I16: 2,
  U32: 4,
  I32: 4,
  U64: 8,
  I64: 8,
  F16: 2,
  BF16: 2,
  F32: 4,
  F64: 8,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

export const DTYPES = Object.keys(DTYPE_SIZES) as Dtype[];
export const FLOAT_DTYPES: readonly FloatDtype[] = ["F16", "BF16", "F32", "F64"];

export function isDtype(s: string): s is Dtype {
  // hasOwn, not `in`: "toString" or "__proto__" must not pass as a dtype.
  return Object.prototype.hasOwnProperty.call(DTYPE_SIZES, s);
}

export function isMergeableDtype(d: Dtype): d is FloatDtype {
  return d === "F16" || d === "BF16" || d === "F32" || d === "F64";
}

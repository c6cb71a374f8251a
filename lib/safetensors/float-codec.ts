import type { FloatDtype } from "./dtypes";

/**
 * Exact conversions between JS numbers and the float formats a checkpoint stores, all rounding to nearest,
 * ties to even (what PyTorch does). Converting a float64 straight to bf16/f16 (never through f32) avoids the
 * double-rounding error that f64 → f32 → bf16 makes on values just past a tie. NaN becomes the canonical
 * quiet NaN (0x7FC0 / 0x7E00), like torch's own conversion. Byte order is little-endian, as in safetensors.
 */
interface HalfFormat {
  mantBits: number;
  bias: number;
  expMask: number; // exponent field all ones, shifted into place
  nan: number;
}

const BF16: HalfFormat = { mantBits: 7, bias: 127, expMask: 0x7f80, nan: 0x7fc0 };
const F16: HalfFormat = { mantBits: 10, bias: 15, expMask: 0x7c00, nan: 0x7e00 };

function roundToHalf(x: number, f: HalfFormat): number {
  if (Number.isNaN(x)) return f.nan;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | f.expMask;
  if (a === 0) return sign;
  const emin = 1 - f.bias;
  let e = Math.floor(Math.log2(a));
  // log2 can be off by one next to powers of two; fix it with exact power-of-two comparisons.
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  if (e > f.bias) return sign | f.expMask;
  const ulpExp = Math.max(e, emin) - f.mantBits;
  const q = a * 2 ** -ulpExp; // exact: scaling by a power of two, and q < 2^(mantBits+1)
  let r = Math.floor(q);
  const rest = q - r;
  if (rest > 0.5 || (rest === 0.5 && r % 2 === 1)) r++;
  if (e < emin) return sign | r; // subnormal; r == 2^mantBits lands exactly on the smallest normal
  const hidden = 2 ** f.mantBits;
  if (r === 2 * hidden) {
    r = hidden;
    e++;
    if (e > f.bias) return sign | f.expMask;
  }
  return sign | ((e + f.bias) << f.mantBits) | (r - hidden);
}

function halfToNumber(bits: number, f: HalfFormat): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits & f.expMask) >> f.mantBits;
  const mant = bits & ((1 << f.mantBits) - 1);
  if (exp === f.expMask >> f.mantBits) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** (1 - f.bias - f.mantBits);
  return sign * (2 ** f.mantBits + mant) * 2 ** (exp - f.bias - f.mantBits);
}

export const numberToBf16Bits = (x: number): number => roundToHalf(x, BF16);
export const numberToF16Bits = (x: number): number => roundToHalf(x, F16);
export const bf16BitsToNumber = (bits: number): number => halfToNumber(bits, BF16);
export const f16BitsToNumber = (bits: number): number => halfToNumber(bits, F16);

/** Encodes numbers as little-endian bytes of `dtype`, rounding once, to nearest, ties to even. */
export function encodeFloats(values: Float64Array | ArrayLike<number>, dtype: FloatDtype): Uint8Array {
  const n = values.length;
  const size = dtype === "F64" ? 8 : dtype === "F32" ? 4 : 2;
  const out = new Uint8Array(n * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (dtype === "F64") view.setFloat64(i * 8, v, true);
    else if (dtype === "F32") view.setFloat32(i * 4, v, true); // the spec's f64→f32 conversion is RNE
    else view.setUint16(i * 2, dtype === "BF16" ? numberToBf16Bits(v) : numberToF16Bits(v), true);
  }
  return out;
}

/** Decodes little-endian bytes of `dtype` into exact float64 values. */
export function decodeFloats(bytes: Uint8Array, dtype: FloatDtype): Float64Array {
  const size = dtype === "F64" ? 8 : dtype === "F32" ? 4 : 2;
  const n = Math.floor(bytes.byteLength / size);
  const out = new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    if (dtype === "F64") out[i] = view.getFloat64(i * 8, true);
    else if (dtype === "F32") out[i] = view.getFloat32(i * 4, true);
    else if (dtype === "BF16") out[i] = bf16BitsToNumber(view.getUint16(i * 2, true));
    else out[i] = f16BitsToNumber(view.getUint16(i * 2, true));
  }
  return out;
}

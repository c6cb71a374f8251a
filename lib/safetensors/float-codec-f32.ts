/**
 * Fast bit-level f32 ↔ bf16/f16 array conversions for the merge engine's hot loop (the scalar codec in
 * float-codec.ts is the reference; the tests check these against it bit for bit). Rounding is to nearest,
 * ties to even; NaN becomes the canonical quiet NaN. Uint16 arrays hold the raw half bits; typed arrays use
 * host byte order, which is little-endian on every platform we run on, as in the file.
 */

/** f32 → bf16 bits. `out` may be reused across calls to avoid allocation. */
export function float32ToBf16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry out of the mantissa bumps the
    // exponent, which is exactly right, including overflow of the largest finite values to infinity.
    out[i] = (b & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return out;
}

export function bf16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
  return out;
}

/** f32 → f16 bits, RNE, including subnormal results and overflow to infinity. */
export function float32ToF16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToF16(bits[i]);
  return out;
}

function f32BitsToF16(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const abs = b & 0x7fffffff;
  if (abs > 0x7f800000) return 0x7e00;
  // 65520 (0x477FF000) is halfway between f16's max 65504 and 65536; the tie goes to the even side, infinity.
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs < 0x38800000) {
    // Below f16's smallest normal 2^-14: the result is a multiple of 2^-24. At most half of 2^-24 rounds to 0.
    if (abs <= 0x33000000) return sign;
    const e = abs >>> 23;
    const mant = (abs & 0x7fffff) | 0x800000;
    const shift = 126 - e;
    let r = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  // Rebias the exponent from 127 to 15, keep 10 of 23 mantissa bits and round the 13 dropped ones.
  let h = (abs - 0x38000000) >>> 13;
  const rest = abs & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

export function f16ToFloat32(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = f16Value(src[i]);
  return out;
}

const F16_TABLE = /* @__PURE__ */ (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const mag = exp === 31 ? (mant ? NaN : Infinity) : exp === 0 ? mant * 2 ** -24 : (1024 + mant) * 2 ** (exp - 25);
    t[h] = h & 0x8000 ? -mag : mag;
  }
  return t;
})();

function f16Value(h: number): number {
  return F16_TABLE[h];
}

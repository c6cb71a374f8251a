import { type KernelDtype, KERNEL_DTYPE_SIZES } from "../../../lib/merge/kernel/dtypes";
import { mulberry32 } from "../../helpers/checkpoint-fixtures";

/**
 * Adversarial random inputs for the kernel tests: raw bit patterns of every class (normals over the whole
 * exponent range, subnormals, the largest finite values, ±0, ±Inf, NaN) plus "tie" elements where the inputs
 * differ by one ulp, so that averages land exactly halfway between two outputs.
 */
interface Format {
  bits: number;
  expBits: number;
  mantBits: number;
}

const FORMATS: Record<KernelDtype, Format> = {
  BF16: { bits: 16, expBits: 8, mantBits: 7 },
  F16: { bits: 16, expBits: 5, mantBits: 10 },
  F32: { bits: 32, expBits: 8, mantBits: 23 },
  F64: { bits: 64, expBits: 11, mantBits: 52 },
};

export function randomInputs(dtype: KernelDtype, n: number, count: number, seed: number): Uint8Array[] {
  const f = FORMATS[dtype];
  const rand = mulberry32(seed);
  const int = (below: number) => Math.floor(rand() * below);
  const maxExp = 2 ** f.expBits - 1;
  const randomMant = () => BigInt(int(2 ** Math.min(f.mantBits, 30))) << BigInt(Math.max(0, f.mantBits - 30));
  const make = (sign: number, exp: number, mant: bigint) =>
    (BigInt(sign) << BigInt(f.bits - 1)) | (BigInt(exp) << BigInt(f.mantBits)) | mant;
  const values: bigint[][] = Array.from({ length: n }, () => new Array<bigint>(count));
  for (let j = 0; j < count; j++) {
    const kind = rand();
    const base = make(int(2), 1 + int(maxExp - 1), randomMant());
    for (let i = 0; i < n; i++) {
      let v: bigint;
      if (kind < 0.08) v = i % 2 === 0 ? base : base + 1n; // one ulp apart: averages hit ties
      else if (kind < 0.12) v = base; // all equal: the merge must reproduce it
      else {
        const c = rand();
        if (c < 0.55) v = make(int(2), (maxExp >> 1) - 8 + int(16), randomMant()); // typical weights
        else if (c < 0.75) v = make(int(2), 1 + int(maxExp - 1), randomMant()); // any normal
        else if (c < 0.85) v = make(int(2), 0, randomMant()); // subnormal
        else if (c < 0.93) v = make(int(2), maxExp - 1 - int(2), randomMant()); // huge
        else if (c < 0.96) v = make(int(2), 0, 0n); // ±0
        else if (c < 0.985) v = make(int(2), maxExp, 0n); // ±Inf
        else v = make(int(2), maxExp, 1n + randomMant()); // NaN
      }
      values[i][j] = v;
    }
  }
  const size = KERNEL_DTYPE_SIZES[dtype];
  return values.map((row) => {
    const bytes = new Uint8Array(count * size);
    const view = new DataView(bytes.buffer);
    row.forEach((v, j) => {
      if (size === 8) view.setBigUint64(j * 8, v, true);
      else if (size === 4) view.setUint32(j * 4, Number(v), true);
      else view.setUint16(j * 2, Number(v), true);
    });
    return bytes;
  });
}

/** Distance in representable values between two encodings (NaN equals NaN; ±0 are one apart). */
export function ulpDistance(a: bigint, b: bigint, dtype: KernelDtype): number {
  const f = FORMATS[dtype];
  const signBit = 1n << BigInt(f.bits - 1);
  const expMask = ((1n << BigInt(f.expBits)) - 1n) << BigInt(f.mantBits);
  const isNan = (x: bigint) => (x & expMask) === expMask && (x & ((1n << BigInt(f.mantBits)) - 1n)) !== 0n;
  if (isNan(a) || isNan(b)) return isNan(a) && isNan(b) ? 0 : Infinity;
  // Map sign-magnitude onto a monotone line: negatives below zero.
  const line = (x: bigint) => ((x & signBit) !== 0n ? -(x & ~signBit) - 1n : x);
  const d = line(a) - line(b);
  return Number(d < 0n ? -d : d);
}

export function readElement(bytes: Uint8Array, j: number, dtype: KernelDtype): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = KERNEL_DTYPE_SIZES[dtype];
  if (size === 8) return view.getBigUint64(j * 8, true);
  if (size === 4) return BigInt(view.getUint32(j * 4, true));
  return BigInt(view.getUint16(j * 2, true));
}

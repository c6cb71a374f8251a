import { describe, expect, it } from "vitest";
import {
  bf16BitsToNumber,
  decodeFloats,
  encodeFloats,
  f16BitsToNumber,
  numberToBf16Bits,
  numberToF16Bits,
} from "../../../lib/safetensors/float-codec";
import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from "../../../lib/safetensors/float-codec-f32";
import { mulberry32 } from "../../helpers/checkpoint-fixtures";

/**
 * Reference: every finite half value, decoded exactly in float64; between two neighbours the exact midpoint
 * (representable in float64) must go to the one with the even mantissa, anything off the midpoint to the
 * nearer one. This covers every tie, every subnormal and the overflow boundary of both formats.
 */
const formats = [
  { name: "BF16", encode: numberToBf16Bits, decode: bf16BitsToNumber, inf: 0x7f80, max: 0x7f7f, nan: 0x7fc0 },
  { name: "F16", encode: numberToF16Bits, decode: f16BitsToNumber, inf: 0x7c00, max: 0x7bff, nan: 0x7e00 },
] as const;

describe.each(formats)("$name scalar codec", (f) => {
  it("round-trips every non-NaN bit pattern exactly", () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const v = f.decode(bits);
      if (f.encode(v) !== (Number.isNaN(v) ? f.nan : bits)) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it("rounds midpoints to even and off-midpoints to nearest", () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < f.max; bits++) {
      const lo = f.decode(bits);
      const hi = f.decode(bits + 1);
      const mid = (lo + hi) / 2; // exact in float64: halves have far fewer mantissa bits
      const even = bits % 2 === 0 ? bits : bits + 1;
      const eps = (hi - lo) * 2 ** -20;
      const ok =
        mid > lo && mid < hi &&
        f.encode(mid) === even &&
        f.encode(-mid) === (even | 0x8000) &&
        f.encode(mid - eps) === bits &&
        f.encode(mid + eps) === bits + 1;
      if (!ok) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it("overflows to infinity at max + half an ulp, keeps signed zero, NaN and infinities", () => {
    const max = f.decode(f.max);
    const halfUlp = (max - f.decode(f.max - 1)) / 2;
    expect(f.encode(max + halfUlp)).toBe(f.inf);
    expect(f.encode(max + halfUlp * (1 - 2 ** -20))).toBe(f.max);
    expect(f.encode(-1e300)).toBe(f.inf | 0x8000);
    expect(f.encode(Infinity)).toBe(f.inf);
    expect(f.encode(-Infinity)).toBe(f.inf | 0x8000);
    expect(f.encode(NaN)).toBe(f.nan);
    expect(f.encode(0)).toBe(0);
    expect(f.encode(-0)).toBe(0x8000);
    expect(Object.is(f.decode(0x8000), -0)).toBe(true);
    const minSub = f.decode(1);
    expect(f.encode(minSub / 2)).toBe(0); // tie between 0 and the smallest subnormal: 0 is even
    expect(f.encode((minSub / 2) * (1 + 2 ** -30))).toBe(1);
    expect(f.encode(Number.MIN_VALUE)).toBe(0);
  });
});

describe("known values", () => {
  it("matches torch on a few constants", () => {
    expect(numberToBf16Bits(1)).toBe(0x3f80);
    expect(numberToBf16Bits(Math.PI)).toBe(0x4049);
    expect(numberToF16Bits(1)).toBe(0x3c00);
    expect(numberToF16Bits(65504)).toBe(0x7bff);
    expect(numberToF16Bits(65520)).toBe(0x7c00);
    expect(f16BitsToNumber(1)).toBe(2 ** -24);
    expect(bf16BitsToNumber(1)).toBe(2 ** -133);
  });

  it("rounds f64 to bf16 once (no double rounding through f32)", () => {
    // 1 + 2^-8 + 2^-30: f32 rounding drops 2^-30 and leaves a tie that goes down to even (1.0);
    // rounding once sees it is just above the tie and goes up.
    const x = 1 + 2 ** -8 + 2 ** -30;
    expect(numberToBf16Bits(x)).toBe(0x3f81);
    expect(float32ToBf16(new Float32Array([x]))[0]).toBe(0x3f80);
  });
});

describe("array codecs", () => {
  it("encodeFloats / decodeFloats round-trip all float dtypes, little-endian", () => {
    const values = [0, -0, 1, -2.5, 2 ** -10, 65504, Infinity, -Infinity];
    for (const dtype of ["F16", "BF16", "F32", "F64"] as const) {
      const bytes = encodeFloats(values, dtype);
      expect(Array.from(decodeFloats(bytes, dtype))).toEqual(values.map((v) => (dtype === "BF16" && v === 65504 ? 65536 : v)));
    }
    expect(Array.from(encodeFloats([1], "BF16"))).toEqual([0x80, 0x3f]);
    expect(Number.isNaN(decodeFloats(encodeFloats([NaN], "F16"), "F16")[0])).toBe(true);
  });

  it("the f32 fast paths agree bit for bit with the scalar reference", () => {
    const next = mulberry32(7);
    const bits = new Uint32Array(200_000);
    for (let i = 0; i < bits.length; i++) bits[i] = Math.floor(next() * 2 ** 32);
    const special = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x7f7fffff, 0x00000001, 0x477fe000, 0x477ff000, 0x477fefff, 0x33000000, 0x33000001, 0x38800000, 0x387fffff, 0x3f808000, 0x3f818000];
    bits.set(special);
    const src = new Float32Array(bits.buffer);
    const bf = float32ToBf16(src);
    const h = float32ToF16(src);
    const wrong: number[] = [];
    for (let i = 0; i < src.length; i++) {
      if (bf[i] !== numberToBf16Bits(src[i]) || h[i] !== numberToF16Bits(src[i])) wrong.push(bits[i]);
    }
    expect(wrong).toEqual([]);
    const allHalf = new Uint16Array(65536).map((_, i) => i);
    const fromBf = bf16ToFloat32(allHalf);
    const fromH = f16ToFloat32(allHalf);
    const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
    for (let i = 0; i < 65536; i++) {
      if (!same(fromBf[i], bf16BitsToNumber(i)) || !same(fromH[i], f16BitsToNumber(i))) wrong.push(i);
    }
    expect(wrong).toEqual([]);
  });
});

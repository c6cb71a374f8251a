// The merge kernel, compiled to WebAssembly SIMD (AssemblyScript). It works on raw pointers into a shared
// memory laid out by the host (lib/merge/kernel/layout.ts writes the descriptor); there is no allocator.
// reference.ts is the plain TypeScript twin that the tests hold it to, bit for bit.
//
// One call merges elements [begin, end) of one chunk: for every output k, out_k = Σ w_ki · x_i over the inputs
// with a non-zero weight, in input order (oldest first), in float64, starting from −0 (the additive identity, so
// a lone −0 stays −0), then rounded once to the output dtype, to nearest even. Each tile of TILE elements is
// decoded to f64 once and reused by every output, so a fused sweep decodes each input byte once however many
// cells it produces. Every element's arithmetic is independent of its neighbours, so any split of the range
// over threads gives the same bits.

const TILE: i32 = 256;

const BF16: i32 = 0;
const F16: i32 = 1;
const F32: i32 = 2;
const F64: i32 = 3;

// Descriptor header, in bytes from its start: input dtype, input count, output count, offset of the output
// records, then the input pointers at +16 (all i32).
const D_IN_DTYPE: usize = 0;
const D_N_IN: usize = 4;
const D_N_OUT: usize = 8;
const D_OUT_TABLE: usize = 12;
// Output record: dtype, pointer, entry count (i32), padding to 16, then entries of 32 bytes: input index (i32),
// byte offset of the input's decoded tile in scratch (index × TILE × 8, i32), padding, the weight twice (f64x2).

const O_DTYPE: usize = 0;
const O_PTR: usize = 4;
const O_NNZ: usize = 8;
const O_ENTRIES: usize = 16;
const ENTRY_BYTES: usize = 32;

export function tileElements(): i32 {
  return TILE;
}

/** Scratch bytes one thread needs for `nIn` inputs: a pointer table and one decoded f64 tile per input. */
export function scratchBytes(nIn: i32): i32 {
  return nIn * 4 + 64 + nIn * TILE * 8 + 64;
}

/**
 * Merges elements [begin, end) of the chunk the descriptor at `desc` describes. `inTable` lists the input
 * buffers (desc + 16 for the descriptor's own list); they hold the chunk from element `origin` on — a thread
 * that reads a slice at a time into its own buffers passes the slice's first element. Output buffers hold the
 * whole chunk.
 */
export function run(desc: usize, begin: i32, end: i32, scratch: usize, inTable: usize, origin: i32): void {
  const inDtype = load<i32>(desc + D_IN_DTYPE);
  const nIn = load<i32>(desc + D_N_IN);
  const nOut = load<i32>(desc + D_N_OUT);
  const outTable = desc + <usize>load<i32>(desc + D_OUT_TABLE);
  const srcTable = scratch;
  const decoded = (scratch + <usize>nIn * 4 + 63) & ~(<usize>63);
  if (nOut == 1 && inDtype == BF16) {
    // One output: decode in registers as the sum goes, no tile round trip through scratch.
    const nnz = load<i32>(outTable + O_NNZ);
    const dtype = load<i32>(outTable + O_DTYPE);
    const out = <usize>load<i32>(outTable + O_PTR);
    for (let i = 0; i < nIn; i++) store<i32>(srcTable + <usize>i * 4, load<i32>(inTable + <usize>i * 4) - origin * 2);
    accumulateBf16(srcTable, outTable + O_ENTRIES, nnz, dtype, out, begin, end);
    return;
  }
  for (let t0 = begin; t0 < end; t0 += TILE) {
    for (let i = 0; i < nIn; i++) {
      const src = <usize>load<i32>(inTable + <usize>i * 4);
      const at = <usize>(t0 - origin);
      let p = decoded + <usize>(i * TILE * 8);
      if (inDtype == BF16) decodeBf16(src + at * 2, p);
      else if (inDtype == F16) decodeF16(src + at * 2, p);
      else if (inDtype == F32) decodeF32(src + at * 4, p);
      else memory.copy(p, src + at * 8, <usize>TILE * 8);
    }
    let rec = outTable;
    for (let k = 0; k < nOut; k++) {
      const nnz = load<i32>(rec + O_NNZ);
      const dtype = load<i32>(rec + O_DTYPE);
      const out = <usize>load<i32>(rec + O_PTR) + <usize>t0 * sizeOf(dtype);
      accumulate(decoded, rec + O_ENTRIES, nnz, dtype, out);
      rec += O_ENTRIES + <usize>nnz * ENTRY_BYTES;
    }
  }
}

@inline function sizeOf(dtype: i32): usize {
  return dtype == F64 ? 8 : dtype == F32 ? 4 : 2;
}

// ---- decoding a tile to f64 (exact) -----------------------------------------------------------------------

function decodeBf16(src: usize, dst: usize): void {
  const zero = i32x4.splat(0);
  for (let j: usize = 0; j < <usize>TILE * 2; j += 16) {
    const v = v128.load(src + j);
    // Interleaving zero half-words below each bf16 gives its f32 bit pattern (bf16 is the top half of f32).
    storeF32x4AsF64(dst + j * 4, i16x8.shuffle(zero, v, 0, 8, 1, 9, 2, 10, 3, 11));
    storeF32x4AsF64(dst + j * 4 + 32, i16x8.shuffle(zero, v, 4, 12, 5, 13, 6, 14, 7, 15));
  }
}

function decodeF16(src: usize, dst: usize): void {
  for (let j: usize = 0; j < <usize>TILE * 2; j += 16) {
    const v = v128.load(src + j);
    storeF32x4AsF64(dst + j * 4, f16BitsToF32(i32x4.extend_low_i16x8_u(v)));
    storeF32x4AsF64(dst + j * 4 + 32, f16BitsToF32(i32x4.extend_high_i16x8_u(v)));
  }
}

function decodeF32(src: usize, dst: usize): void {
  for (let j: usize = 0; j < <usize>TILE * 4; j += 16) storeF32x4AsF64(dst + j * 2, v128.load(src + j));
}

@inline function storeF32x4AsF64(dst: usize, x: v128): void {
  v128.store(dst, f64x2.promote_low_f32x4(x));
  v128.store(dst, f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 2, 3)), 16);
}

/** Four f16 bit patterns (one per i32 lane) to f32, exactly: subnormals, infinities and NaN included. */
@inline function f16BitsToF32(h: v128): v128 {
  const shifted = i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13);
  const exp = v128.and(shifted, i32x4.splat(0x0f800000));
  let o = i32x4.add(shifted, i32x4.splat(0x38000000)); // rebias 15 → 127
  // Infinity / NaN: push the exponent the rest of the way to 255.
  o = v128.bitselect(i32x4.add(o, i32x4.splat(0x38000000)), o, i32x4.eq(exp, i32x4.splat(0x0f800000)));
  // Zero / subnormal: renormalise through an exact f32 subtraction of 2^-14.
  const sub = f32x4.sub(i32x4.add(o, i32x4.splat(0x00800000)), i32x4.splat(0x38800000));
  o = v128.bitselect(sub, o, i32x4.eq(exp, i32x4.splat(0)));
  return v128.or(o, i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

// ---- accumulation: 16 elements per step, eight f64x2 sums in registers ------------------------------------

function accumulate(decoded: usize, entries: usize, nnz: i32, dtype: i32, out: usize): void {
  const negZero = f64x2.splat(-0.0);
  const step = 16 * sizeOf(dtype);
  for (let v: usize = 0; v < <usize>TILE * 8; v += 128) {
    let a0 = negZero, a1 = negZero, a2 = negZero, a3 = negZero;
    let a4 = negZero, a5 = negZero, a6 = negZero, a7 = negZero;
    const last = entries + <usize>nnz * ENTRY_BYTES;
    for (let entry = entries; entry < last; entry += ENTRY_BYTES) {
      const p = decoded + <usize>load<i32>(entry, 4) + v;
      const w = v128.load(entry, 16);
      a0 = f64x2.add(a0, f64x2.mul(w, v128.load(p)));
      a1 = f64x2.add(a1, f64x2.mul(w, v128.load(p, 16)));
      a2 = f64x2.add(a2, f64x2.mul(w, v128.load(p, 32)));
      a3 = f64x2.add(a3, f64x2.mul(w, v128.load(p, 48)));
      a4 = f64x2.add(a4, f64x2.mul(w, v128.load(p, 64)));
      a5 = f64x2.add(a5, f64x2.mul(w, v128.load(p, 80)));
      a6 = f64x2.add(a6, f64x2.mul(w, v128.load(p, 96)));
      a7 = f64x2.add(a7, f64x2.mul(w, v128.load(p, 112)));
    }
    const o = out + (v >> 7) * step;
    store8(o, dtype, a0, a1, a2, a3);
    store8(o + (step >> 1), dtype, a4, a5, a6, a7);
  }
}

/** Single-output bf16 merge straight from the input buffers: 16 elements per step. */
function accumulateBf16(srcTable: usize, entries: usize, nnz: i32, dtype: i32, out: usize, begin: i32, end: i32): void {
  const negZero = f64x2.splat(-0.0);
  const zero = i32x4.splat(0);
  const step = 16 * sizeOf(dtype);
  for (let j = begin; j < end; j += 16) {
    let a0 = negZero, a1 = negZero, a2 = negZero, a3 = negZero;
    let a4 = negZero, a5 = negZero, a6 = negZero, a7 = negZero;
    for (let e = 0; e < nnz; e++) {
      const entry = entries + <usize>e * ENTRY_BYTES;
      const p = <usize>load<i32>(srcTable + (<usize>load<i32>(entry) << 2)) + (<usize>j << 1);
      const w = v128.load(entry, 16);
      const x = v128.load(p);
      const y = v128.load(p, 16);
      const x0 = i16x8.shuffle(zero, x, 0, 8, 1, 9, 2, 10, 3, 11);
      const x1 = i16x8.shuffle(zero, x, 4, 12, 5, 13, 6, 14, 7, 15);
      const y0 = i16x8.shuffle(zero, y, 0, 8, 1, 9, 2, 10, 3, 11);
      const y1 = i16x8.shuffle(zero, y, 4, 12, 5, 13, 6, 14, 7, 15);
      a0 = f64x2.add(a0, f64x2.mul(w, f64x2.promote_low_f32x4(x0)));
      a1 = f64x2.add(a1, f64x2.mul(w, f64x2.promote_low_f32x4(i32x4.shuffle(x0, x0, 2, 3, 2, 3))));
      a2 = f64x2.add(a2, f64x2.mul(w, f64x2.promote_low_f32x4(x1)));
      a3 = f64x2.add(a3, f64x2.mul(w, f64x2.promote_low_f32x4(i32x4.shuffle(x1, x1, 2, 3, 2, 3))));
      a4 = f64x2.add(a4, f64x2.mul(w, f64x2.promote_low_f32x4(y0)));
      a5 = f64x2.add(a5, f64x2.mul(w, f64x2.promote_low_f32x4(i32x4.shuffle(y0, y0, 2, 3, 2, 3))));
      a6 = f64x2.add(a6, f64x2.mul(w, f64x2.promote_low_f32x4(y1)));
      a7 = f64x2.add(a7, f64x2.mul(w, f64x2.promote_low_f32x4(i32x4.shuffle(y1, y1, 2, 3, 2, 3))));
    }
    const o = out + <usize>(j >> 4) * step;
    store8(o, dtype, a0, a1, a2, a3);
    store8(o + (step >> 1), dtype, a4, a5, a6, a7);
  }
}

// ---- encoding ---------------------------------------------------------------------------------------------

/** Eight f64 sums (four vectors) to the output dtype, rounded once to nearest even; NaN canonical. */
@inline function store8(out: usize, dtype: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  if (dtype == F64) {
    v128.store(out, canonF64(a0));
    v128.store(out, canonF64(a1), 16);
    v128.store(out, canonF64(a2), 32);
    v128.store(out, canonF64(a3), 48);
  } else if (dtype == F32) {
    v128.store(out, canonF32(demote4(a0, a1)));
    v128.store(out, canonF32(demote4(a2, a3)), 16);
  } else if (dtype == BF16) {
    // Rounding f64 → f32 → bf16 (each to nearest even) equals one correct rounding unless the f32 lands exactly
    // on a bf16 midpoint (low half 0x8000) — about 1 lane in 65536. Only then take the exact slow path.
    let lo = demote4(a0, a1);
    let hi = demote4(a2, a3);
    const mid = i32x4.splat(0x8000);
    const low = i32x4.splat(0xffff);
    if (v128.any_true(v128.or(i32x4.eq(v128.and(lo, low), mid), i32x4.eq(v128.and(hi, low), mid)))) {
      lo = demoteOdd4(a0, a1);
      hi = demoteOdd4(a2, a3);
    }
    v128.store(out, i16x8.narrow_i32x4_u(f32ToBf16Bits(lo), f32ToBf16Bits(hi)));
  } else {
    // f64 → f32 rounded to odd, then f32 → f16 to nearest even: the same as one correct rounding, because f32
    // keeps more than two extra bits (Boldo & Melquiond), where plain double rounding would not be.
    v128.store(out, i16x8.narrow_i32x4_u(f32ToF16Bits(demoteOdd4(a0, a1)), f32ToF16Bits(demoteOdd4(a2, a3))));
  }
}

@inline function demote4(a: v128, b: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

/** Four f64 (two vectors) to f32, rounded to odd: truncate toward zero, then set the last bit if inexact. */
@inline function demoteOdd4(a: v128, b: v128): v128 {
  const r = demote4(a, b);
  const backA = f64x2.promote_low_f32x4(r);
  const backB = f64x2.promote_low_f32x4(i32x4.shuffle(r, r, 2, 3, 2, 3));
  const inexact = i32x4.shuffle(f64x2.ne(backA, a), f64x2.ne(backB, b), 0, 2, 4, 6);
  const away = i32x4.shuffle(f64x2.gt(f64x2.abs(backA), f64x2.abs(a)), f64x2.gt(f64x2.abs(backB), f64x2.abs(b)), 0, 2, 4, 6);
  // `away` lanes are −1: adding it steps the magnitude down one ulp, to the truncated value.
  const odd = v128.or(i32x4.add(r, away), i32x4.splat(1));
  return v128.bitselect(odd, r, inexact);
}

/** f32 → bf16 bits in i32 lanes, round to nearest even; NaN → 0x7FC0. */
@inline function f32ToBf16Bits(x: v128): v128 {
  const lsb = v128.and(i32x4.shr_u(x, 16), i32x4.splat(1));
  const r = i32x4.shr_u(i32x4.add(i32x4.add(x, i32x4.splat(0x7fff)), lsb), 16);
  return v128.bitselect(i32x4.splat(0x7fc0), r, f32x4.ne(x, x));
}

/** f32 → f16 bits in i32 lanes, round to nearest even, subnormals and overflow included; NaN → 0x7E00. */
@inline function f32ToF16Bits(x: v128): v128 {
  const sign = i32x4.shr_u(v128.and(x, i32x4.splat(0x80000000)), 16);
  const a = v128.and(x, i32x4.splat(0x7fffffff));
  // Normal range: rebias the exponent and round the 13 dropped mantissa bits to nearest even.
  const odd = v128.and(i32x4.shr_u(a, 13), i32x4.splat(1));
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(a, i32x4.splat(<i32>0xc8000fff)), odd), 13);
  // Below 2^-14: adding 0.5 lets the FPU round to a multiple of 2^-24 (the f16 subnormal step).
  const sub = i32x4.sub(f32x4.add(a, f32x4.splat(0.5)), i32x4.splat(0x3f000000));
  let r = v128.bitselect(sub, normal, i32x4.lt_s(a, i32x4.splat(0x38800000)));
  r = v128.bitselect(i32x4.splat(0x7c00), r, i32x4.ge_s(a, i32x4.splat(0x47800000)));
  r = v128.or(r, sign);
  return v128.bitselect(i32x4.splat(0x7e00), r, i32x4.gt_s(a, i32x4.splat(0x7f800000)));
}

@inline function canonF32(x: v128): v128 {
  return v128.bitselect(i32x4.splat(0x7fc00000), x, f32x4.ne(x, x));
}

@inline function canonF64(x: v128): v128 {
  return v128.bitselect(i64x2.splat(0x7ff8000000000000), x, f64x2.ne(x, x));
}

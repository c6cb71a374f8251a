import { KERNEL_DTYPE_CODES, type KernelDtype, TILE_ELEMENTS } from "./dtypes";

/**
 * The call descriptor the kernel reads (assembly/index.ts): a header, the input pointers, then one record per
 * output with its non-zero weights in input order. Pure: the host writes it into shared memory per chunk.
 *
 *   header   inDtype, nIn, nOut, offset of the output records (i32 each), then nIn input pointers (i32)
 *   output   dtype, pointer, entry count (i32 each), padded to 16 bytes
 *   entry    input index, offset of its decoded tile (index × TILE × 8) (i32 each), padding,
 *            the weight twice (f64, f64)                                                 32 bytes
 */
export interface KernelOutput {
  dtype: KernelDtype;
  /** Byte offset of the output buffer in kernel memory. */
  ptr: number;
  /** One weight per input; zeros are skipped (so an Inf or NaN in an unused input cannot leak in). */
  weights: number[];
}

export interface KernelCall {
  inDtype: KernelDtype;
  inPtrs: number[];
  outputs: KernelOutput[];
}

const HEADER_BYTES = 16;
const OUTPUT_BYTES = 16;
const ENTRY_BYTES = 32;

function outputTableOffset(nIn: number): number {
  return Math.ceil((HEADER_BYTES + 4 * nIn) / 16) * 16;
}

/** Bytes a descriptor needs at most for `nIn` inputs and `nOut` outputs (every weight non-zero). */
export function descriptorBytes(nIn: number, nOut: number): number {
  return outputTableOffset(nIn) + nOut * (OUTPUT_BYTES + ENTRY_BYTES * nIn);
}

export function writeDescriptor(view: DataView, at: number, call: KernelCall): void {
  const { inDtype, inPtrs, outputs } = call;
  const table = outputTableOffset(inPtrs.length);
  view.setInt32(at, KERNEL_DTYPE_CODES[inDtype], true);
  view.setInt32(at + 4, inPtrs.length, true);
  view.setInt32(at + 8, outputs.length, true);
  view.setInt32(at + 12, table, true);
  inPtrs.forEach((ptr, i) => view.setInt32(at + HEADER_BYTES + 4 * i, ptr, true));
  let rec = at + table;
  for (const out of outputs) {
    if (out.weights.length !== inPtrs.length) throw new Error(`kernel output has ${out.weights.length} weights for ${inPtrs.length} inputs`);
    const entries = out.weights.flatMap((weight, input) => (weight === 0 ? [] : [{ input, weight }]));
    view.setInt32(rec, KERNEL_DTYPE_CODES[out.dtype], true);
    view.setInt32(rec + 4, out.ptr, true);
    view.setInt32(rec + 8, entries.length, true);
    rec += OUTPUT_BYTES;
    for (const { input, weight } of entries) {
      view.setInt32(rec, input, true);
      view.setInt32(rec + 4, input * TILE_ELEMENTS * 8, true);
      view.setFloat64(rec + 16, weight, true);
      view.setFloat64(rec + 24, weight, true);
      rec += ENTRY_BYTES;
    }
  }
}

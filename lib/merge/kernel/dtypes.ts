/**
 * The float formats the kernel merges. Every sum is taken in float64 whatever the dtypes, so a tensor merges to
 * the same bits alone, in a fused sweep, or on any number of threads, and equals the float64 reference merge
 * rounded once to the output dtype.
 */
export type KernelDtype = "BF16" | "F16" | "F32" | "F64";

/** Codes shared with assembly/index.ts. */
export const KERNEL_DTYPE_CODES: Record<KernelDtype, number> = { BF16: 0, F16: 1, F32: 2, F64: 3 };

export const KERNEL_DTYPE_SIZES: Record<KernelDtype, number> = { BF16: 2, F16: 2, F32: 4, F64: 8 };

/** Elements per kernel tile (assembly/index.ts TILE): chunk boundaries between threads fall on multiples. */
export const TILE_ELEMENTS = 256;

export function isKernelDtype(value: string): value is KernelDtype {
  return value === "BF16" || value === "F16" || value === "F32" || value === "F64";
}

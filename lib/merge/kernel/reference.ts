import { decodeFloats, encodeFloats } from "../../safetensors/float-codec";
import type { KernelDtype } from "./dtypes";

/**
 * The plain reference for the SIMD kernel — the float64 merge: per element and output, start from −0 and add
 * w·x in float64 for each input with a non-zero weight, oldest first, then round once to the output dtype (to
 * nearest, ties to even; NaN canonical). Tests hold the WebAssembly kernel to it bit for bit.
 */
export interface ReferenceOutput {
  dtype: KernelDtype;
  /** One per input, oldest first; 0 skips the input. */
  weights: number[];
}

export function mergeReference(inDtype: KernelDtype, inputs: Uint8Array[], outputs: ReferenceOutput[]): Uint8Array[] {
  const values = inputs.map((bytes) => decodeFloats(bytes, inDtype));
  const count = values[0]?.length ?? 0;
  return outputs.map((out) => {
    const terms = out.weights.flatMap((weight, i) => (weight === 0 ? [] : [{ weight, x: values[i] }]));
    const acc = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      let a = -0;
      for (const t of terms) a += t.weight * t.x[j];
      acc[j] = a;
    }
    return canonicalNaNs(encodeFloats(acc, out.dtype), acc, out.dtype);
  });
}

/** encodeFloats keeps NaN payloads for F32/F64; the kernel writes the canonical quiet NaN, as for bf16/f16. */
function canonicalNaNs(bytes: Uint8Array, values: Float64Array, dtype: KernelDtype): Uint8Array {
  if (dtype !== "F32" && dtype !== "F64") return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let j = 0; j < values.length; j++) {
    if (!Number.isNaN(values[j])) continue;
    if (dtype === "F32") view.setUint32(j * 4, 0x7fc00000, true);
    else view.setBigUint64(j * 8, 0x7ff8000000000000n, true);
  }
  return bytes;
}

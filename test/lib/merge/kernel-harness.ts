import { Arena } from "../../../lib/merge/kernel/arena";
import { type KernelDtype, KERNEL_DTYPE_SIZES, TILE_ELEMENTS } from "../../../lib/merge/kernel/dtypes";
import { descriptorBytes, writeDescriptor } from "../../../lib/merge/kernel/layout";
import { createKernelMemory, instantiateKernel } from "../../../lib/merge/kernel/wasm";

/** Runs the WebAssembly kernel on the calling thread over whole arrays (tests only; merges use the pool). */
export function runKernel(inDtype: KernelDtype, inputs: Uint8Array[], outputs: { dtype: KernelDtype; weights: number[] }[]): Uint8Array[] {
  const count = inputs[0].byteLength / KERNEL_DTYPE_SIZES[inDtype];
  const padded = Math.ceil(count / TILE_ELEMENTS) * TILE_ELEMENTS;
  const need = 1 << 20;
  const bytesIn = inputs.length * padded * 8 + outputs.length * padded * 8 + descriptorBytes(inputs.length, outputs.length) + need;
  const memory = createKernelMemory(bytesIn + 4096);
  const kernel = instantiateKernel(memory);
  const arena = new Arena(memory.buffer.byteLength);
  const bytes = new Uint8Array(memory.buffer);
  const scratch = arena.alloc(kernel.scratchBytes(inputs.length));
  const inPtrs = inputs.map((input) => {
    const ptr = arena.alloc(padded * KERNEL_DTYPE_SIZES[inDtype]);
    bytes.set(input, ptr);
    return ptr;
  });
  const outs = outputs.map((o) => ({ ...o, ptr: arena.alloc(padded * KERNEL_DTYPE_SIZES[o.dtype]) }));
  const desc = arena.alloc(descriptorBytes(inputs.length, outputs.length));
  writeDescriptor(new DataView(memory.buffer), desc, { inDtype, inPtrs, outputs: outs });
  kernel.run(desc, 0, count, scratch, desc + 16, 0);
  return outs.map((o) => bytes.slice(o.ptr, o.ptr + count * KERNEL_DTYPE_SIZES[o.dtype]));
}

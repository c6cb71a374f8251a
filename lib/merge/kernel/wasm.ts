import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PmaError } from "../../errors";

/**
 * Loads the compiled kernel (`npm run build:kernel`, run on install and before tests). The module imports its
 * memory, so one shared WebAssembly.Memory serves the host and every worker thread: file reads land directly
 * where the kernel reads them, with no copy in between.
 */
export const KERNEL_WASM_URL = new URL("./build/kernel.wasm", import.meta.url);

/** Pages of 64 KiB; the module declares a maximum of 65536 pages (4 GiB) and we use at most half. */
const PAGE_BYTES = 65536;
/** 2 GiB: far above what a merge's chunk buffers take (256 MiB by default). */
const GROWABLE_PAGES = 32768;

let compiled: WebAssembly.Module | undefined;

export function loadKernelModule(): WebAssembly.Module {
  if (compiled) return compiled;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(fileURLToPath(KERNEL_WASM_URL)));
  } catch (error) {
    throw new PmaError("kernel_missing", `the merge kernel is not built (${fileURLToPath(KERNEL_WASM_URL)}); run \`npm run build:kernel\``, {
      cause: error,
    });
  }
  compiled = new WebAssembly.Module(bytes);
  return compiled;
}

export function createKernelMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > GROWABLE_PAGES) throw new PmaError("kernel_memory", `the merge needs ${bytes} bytes of kernel memory, more than 2 GiB`);
  // Shared memory reserves its maximum up front (address space only) so it can grow in place for a later merge.
  return new WebAssembly.Memory({ initial: pages, maximum: GROWABLE_PAGES, shared: true });
}

export interface KernelExports {
  run(desc: number, begin: number, end: number, scratch: number, inTable: number, origin: number): void;
  scratchBytes(nIn: number): number;
  tileElements(): number;
}

export function instantiateKernel(memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(loadKernelModule(), { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

import { PmaError } from "../../errors";
import { DTYPE_SIZES } from "../../safetensors/dtypes";
import { Arena } from "../kernel/arena";
import { descriptorBytes, writeDescriptor } from "../kernel/layout";
import { type KernelDtype, TILE_ELEMENTS } from "../kernel/dtypes";
import type { KernelPool, Staging } from "../kernel/pool";
import type { InputReader } from "./input-reader";
import type { OutputSink } from "./output-sink";
import type { ExecutionPlan, PlannedChunk } from "./plan";

/**
 * The streaming loop. Each chunk passes through a slot — K output buffers (and N input buffers for tensors
 * that are copied) in the kernel's shared memory — in two stages: read + merge, split over the worker threads,
 * each reading its share of every input a cache-sized slice at a time straight into its own staging buffers
 * and merging it while it is still in cache; then write (every output, in order, on the main thread). With
 * SLOTS slots in flight, threads merge the next chunks while earlier ones are hashed and written, and memory
 * stays at SLOTS chunks whatever the model size.
 */
export const SLOTS = 4;
/** A thread's slice of all inputs fits its L2 cache next to the kernel's scratch. */
const SLICE_BYTES = 512 * 1024;

interface Slot {
  inPtrs: number[];
  outPtrs: number[];
  desc: number;
}

function sliceElements(plan: ExecutionPlan): number {
  const n = Math.max(1, plan.tensors[0]?.sources.length ?? 1);
  return Math.max(TILE_ELEMENTS, Math.floor(SLICE_BYTES / (n * plan.inWidth) / TILE_ELEMENTS) * TILE_ELEMENTS);
}

export interface PipelineHooks {
  signal?: AbortSignal;
  onRead?: () => void;
  onTensorDone?: () => void;
}

/** Shared-memory bytes the pipeline needs for this plan on `threads` threads. */
export function pipelineBytes(plan: ExecutionPlan, threads: number): number {
  const n = plan.tensors[0]?.sources.length ?? 0;
  const k = plan.outputs.length;
  const c = plan.chunkElements;
  const staging = threads * (n * (sliceElements(plan) * plan.inWidth + 64) + 4 * n + 64);
  return SLOTS * (n * (c * plan.inWidth + 64) + k * (c * plan.outWidth + 64) + descriptorBytes(n, k) + 64) + staging + 4096;
}

export async function runPipeline(plan: ExecutionPlan, pool: KernelPool, reader: InputReader, sinks: OutputSink[], hooks: PipelineHooks): Promise<void> {
  const bytes = new Uint8Array(pool.memory.buffer);
  const view = new DataView(pool.memory.buffer);
  const arena = new Arena(bytes.byteLength, pool.heapStart);
  const slots = allocateSlots(plan, arena);
  const staging = allocateStaging(plan, arena, pool.threads);
  const free = [...slots];
  const waiting: (() => void)[] = [];
  let failure: unknown = null;
  let chain: Promise<void> = Promise.resolve();

  const readAndCompute = async (slot: Slot, chunk: PlannedChunk): Promise<void> => {
    const t = plan.tensors[chunk.tensor];
    const size = DTYPE_SIZES[t.dtype];
    if (chunk.count === 0) return;
    if (!t.mergeable) {
      // Copied tensors: the newest input of each output, read on libuv's pool into the slot.
      const newest = [...new Set(plan.outputs.map((o) => o.newest))];
      await Promise.all(
        newest.map((i) => {
          const src = t.sources[i];
          const target = bytes.subarray(slot.inPtrs[i], slot.inPtrs[i] + chunk.count * size);
          return reader.read(src.shardPath, src.offset + chunk.begin * size, target);
        }),
      );
      hooks.onRead?.();
      return;
    }
    writeDescriptor(view, slot.desc, {
      inDtype: t.dtype as KernelDtype,
      inPtrs: slot.inPtrs,
      outputs: plan.outputs.map((o, k) => ({ dtype: t.outDtypes[k] as KernelDtype, ptr: slot.outPtrs[k], weights: o.weights })),
    });
    const reads = {
      fds: t.sources.map((s) => reader.fd(s.shardPath)),
      positions: t.sources.map((s) => s.offset + chunk.begin * size),
      size,
    };
    const read = await pool.readAndRun(slot.desc, chunk.count, reads, staging);
    reader.bytesRead += read;
    hooks.onRead?.();
  };

  const writeOut = async (slot: Slot, chunk: PlannedChunk): Promise<void> => {
    const t = plan.tensors[chunk.tensor];
    await Promise.all(
      sinks.map((sink, k) => {
        const size = DTYPE_SIZES[t.outDtypes[k]];
        const at = t.mergeable ? slot.outPtrs[k] : slot.inPtrs[plan.outputs[k].newest];
        return sink.write(chunk, bytes.subarray(at, at + chunk.count * size));
      }),
    );
    if (chunk.last) hooks.onTensorDone?.();
  };

  for (const chunk of plan.chunks) {
    if (hooks.signal?.aborted) failure ??= new PmaError("merge_aborted", "the merge was cancelled", { permanent: false });
    if (failure) break;
    while (free.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    if (failure) break;
    const slot = free.pop()!;
    const computed = readAndCompute(slot, chunk).then(
      () => null,
      (error: unknown) => error,
    );
    chain = chain.then(async () => {
      try {
        const error = await computed; // always awaited, so no read or kernel call outlives the loop
        if (error) failure ??= error;
        if (!failure) await writeOut(slot, chunk);
      } catch (error) {
        failure ??= error;
      } finally {
        free.push(slot);
        waiting.shift()?.();
      }
    });
  }
  await chain;
  if (failure) throw failure;
}

function allocateStaging(plan: ExecutionPlan, arena: Arena, threads: number): Staging[] {
  const n = plan.tensors[0]?.sources.length ?? 0;
  const slice = sliceElements(plan);
  return Array.from({ length: threads }, () => ({
    table: arena.alloc(4 * n),
    ptrs: Array.from({ length: n }, () => arena.alloc(slice * plan.inWidth)),
    slice,
  }));
}

function allocateSlots(plan: ExecutionPlan, arena: Arena): Slot[] {
  const n = plan.tensors[0]?.sources.length ?? 0;
  const k = plan.outputs.length;
  const c = plan.chunkElements;
  return Array.from({ length: SLOTS }, () => ({
    inPtrs: Array.from({ length: n }, () => arena.alloc(c * plan.inWidth)),
    outPtrs: Array.from({ length: k }, () => arena.alloc(c * plan.outWidth)),
    desc: arena.alloc(descriptorBytes(n, k)),
  }));
}

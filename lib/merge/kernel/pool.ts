import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { PmaError } from "../../errors";
import { TILE_ELEMENTS } from "./dtypes";
import { createKernelMemory, instantiateKernel, loadKernelModule } from "./wasm";

/**
 * Worker threads running the kernel on one shared memory. `readAndRun` splits a chunk's elements into one
 * tile-aligned range per thread; each element's arithmetic does not depend on the split, so any thread count
 * gives the same bits. Merges get pools through pool-cache.ts, which reuses them.
 */
interface Pending {
  resolve: (reply: { bytesRead?: number; digest?: string }) => void;
  reject: (error: Error) => void;
}

/** A sha256 computed on one of the pool's threads; updates are hashed in the order they are made. */
export interface PoolHasher {
  /** Resolves once the bytes are hashed (kernel-memory bytes must stay put until then). */
  update(data: Uint8Array): Promise<void>;
  digest(): Promise<string>;
}

/** Where a chunk's inputs are: one open file and the byte position of the chunk's first element, per input. */
export interface ChunkReads {
  fds: number[];
  positions: number[];
  /** Bytes per input element. */
  size: number;
}

/** One thread's staging buffers for reading slices: a pointer table and one buffer per input. */
export interface Staging {
  table: number;
  ptrs: number[];
  /** Elements per slice (a multiple of the tile); each buffer holds slice × element size bytes. */
  slice: number;
}

export interface PoolOptions {
  threads?: number;
  /** Bytes of shared memory the host needs above heapStart. */
  memoryBytes: number;
  /** Most inputs any call will have (sizes each thread's scratch). */
  maxInputs: number;
}

/** Scratch is sized for at least this many inputs, so most pools fit most merges. */
const MIN_SCRATCH_INPUTS = 32;

export class KernelPool {
  private nextId = 0;
  private nextHasher = 0;
  private rotate = 0;
  private readonly pending: Map<number, Pending>[] = [];
  private failure: Error | null = null;

  private constructor(
    readonly memory: WebAssembly.Memory,
    private readonly workers: Worker[],
    /** First byte the host may use; below are the threads' scratch areas. */
    readonly heapStart: number,
    readonly maxInputs: number,
  ) {
    for (const [w, worker] of workers.entries()) {
      const pending = new Map<number, Pending>();
      this.pending.push(pending);
      worker.on("message", (msg: { id: number; error?: string; code?: string; bytesRead?: number; digest?: string }) => {
        const job = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) job?.reject(new PmaError("kernel_failed", `merge thread failed: ${msg.error}`, { details: { errno: msg.code } }));
        else job?.resolve(msg);
      });
      worker.on("error", (error) => this.fail(new PmaError("kernel_failed", `merge thread ${w} crashed: ${error.message}`, { cause: error })));
    }
  }

  static async start(options: PoolOptions): Promise<KernelPool> {
    const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    const wasmModule = loadKernelModule();
    const maxInputs = Math.max(MIN_SCRATCH_INPUTS, options.maxInputs);
    const probe = instantiateKernel(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    const scratchBytes = Math.ceil(probe.scratchBytes(maxInputs) / 64) * 64;
    const heapStart = 1024 + threads * scratchBytes;
    const memory = createKernelMemory(heapStart + options.memoryBytes);
    const workers = Array.from(
      { length: threads },
      // Plain JavaScript: no need for the host's loader flags (e.g. tsx), which cost ~80 ms per thread to start.
      (_, i) => new Worker(new URL("./worker.mjs", import.meta.url), { execArgv: [], workerData: { wasmModule, memory, scratch: 1024 + i * scratchBytes } }),
    );
    try {
      await Promise.all(workers.map((w) => waitReady(w)));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new KernelPool(memory, workers, heapStart, maxInputs);
  }

  get threads(): number {
    return this.workers.length;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Grows the shared memory (never shrinks) so `bytes` fit above heapStart. */
  ensureMemory(bytes: number): void {
    const needed = Math.ceil((this.heapStart + bytes) / 65536) - this.memory.buffer.byteLength / 65536;
    if (needed > 0) this.memory.grow(needed);
  }

  /** A hasher living on one thread (spread round-robin), for data in kernel memory or small byte arrays. */
  createHasher(): PoolHasher {
    const hasher = this.nextHasher++;
    const worker = hasher % this.workers.length;
    const send = (data: Uint8Array, digest: boolean) => {
      const inMemory = data.buffer === this.memory.buffer;
      const job = inMemory ? { ptr: data.byteOffset, length: data.byteLength } : { bytes: data.slice() };
      return this.post(worker, { hasher, digest, ...job });
    };
    return {
      update: async (data) => {
        await send(data, false);
      },
      digest: async () => (await send(new Uint8Array(0), true)).digest!,
    };
  }

  /**
   * Runs the descriptor over elements [0, count), each thread reading its share of every input itself, a slice
   * at a time, into its staging buffers (`staging[thread]`). Resolves to the bytes read.
   */
  async readAndRun(desc: number, count: number, reads: ChunkReads, staging: Staging[]): Promise<number> {
    const parts = this.split(count).map(({ worker, begin, end }) => this.post(worker, { desc, begin, end, reads, staging: staging[worker] }));
    return (await Promise.all(parts)).reduce((a, b) => a + (b.bytesRead ?? 0), 0);
  }

  /** One tile-aligned range per thread, starting with a different thread each time. */
  private split(count: number): { worker: number; begin: number; end: number }[] {
    if (this.failure) throw this.failure;
    const tiles = Math.ceil(count / TILE_ELEMENTS);
    const parts = Math.min(this.workers.length, tiles);
    const out: { worker: number; begin: number; end: number }[] = [];
    let begin = 0;
    for (let p = 0; p < parts; p++) {
      const end = Math.min(count, Math.round(((p + 1) * tiles) / parts) * TILE_ELEMENTS);
      out.push({ worker: (this.rotate + p) % this.workers.length, begin, end });
      begin = end;
    }
    this.rotate = (this.rotate + parts) % this.workers.length;
    return out;
  }

  /** Idle threads must not keep the process alive; busy ones must. */
  setActive(active: boolean): void {
    for (const w of this.workers) {
      if (active) w.ref();
      else w.unref();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private post(w: number, job: Record<string, unknown>): Promise<{ bytesRead?: number; digest?: string }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending[w].set(id, { resolve, reject });
      this.workers[w].postMessage({ id, ...job });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending) {
      for (const job of pending.values()) job.reject(error);
      pending.clear();
    }
  }
}

function waitReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = () => {
      worker.off("error", onError);
      resolve();
    };
    const onError = (error: Error) => {
      worker.off("message", onMessage);
      reject(new PmaError("kernel_failed", `could not start a merge thread: ${error.message}`, { cause: error }));
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
  });
}

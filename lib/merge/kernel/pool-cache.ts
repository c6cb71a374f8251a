import { availableParallelism } from "node:os";
import { KernelPool, type PoolOptions } from "./pool";

/**
 * Pools are reused across merges: a cell-by-cell sweep then pays for threads and memory once, and its memory
 * stays one pool's, not one per merge. One idle pool is kept; its threads end after IDLE_MS unused.
 */
const IDLE_MS = 30_000;

let idle: { pool: KernelPool; timer: NodeJS.Timeout } | null = null;

/** A started pool with at least `options.memoryBytes` of memory: the idle one if it fits, else a new one. */
export async function acquirePool(options: PoolOptions): Promise<KernelPool> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const cached = idle;
  idle = null;
  if (cached) {
    clearTimeout(cached.timer);
    if (cached.pool.threads === threads && cached.pool.maxInputs >= options.maxInputs) {
      cached.pool.ensureMemory(options.memoryBytes);
      cached.pool.setActive(true);
      return cached.pool;
    }
    await cached.pool.close();
  }
  return KernelPool.start({ ...options, threads });
}

/** Returns a pool after a merge; it is kept for the next one for a while, then its threads end. */
export async function releasePool(pool: KernelPool): Promise<void> {
  if (pool.failed || idle) {
    await pool.close();
    return;
  }
  pool.setActive(false);
  const timer = setTimeout(() => {
    if (idle?.pool === pool) idle = null;
    void pool.close();
  }, IDLE_MS);
  timer.unref();
  idle = { pool, timer };
}

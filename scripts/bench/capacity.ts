import { Worker } from "node:worker_threads";

/**
 * How many cores the machine actually gives right now: a fixed busy loop on 1 thread, then on `threads` threads
 * at once; capacity = threads × (1-thread time / n-thread time). On a shared VM this moves between runs and
 * explains most of the benchmark's variance, so the report states it.
 */
const LOOP = "let x = 0; for (let i = 0; i < 3e8; i++) x += i % 7; require('node:worker_threads').parentPort.postMessage(x);";

async function timeThreads(n: number): Promise<number> {
  const t = performance.now();
  await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => new Worker(LOOP, { eval: true }).once("message", resolve).once("error", reject))));
  return performance.now() - t;
}

export async function measureCapacity(threads: number): Promise<number> {
  const one = await timeThreads(1);
  const many = await timeThreads(threads);
  return Math.min(threads, (threads * one) / many);
}

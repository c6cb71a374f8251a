// Worker thread entry for the merge kernel. Plain JavaScript so node, tsx, vitest and Next all run it as is.
// It instantiates the kernel on the shared memory it is given and runs the jobs it is sent; the host owns the
// memory layout and the order of work. The thread reads its own share of every input a slice at a time
// (positional reads into its staging buffers) just before merging it, so the bytes are still in this core's
// cache. It also keeps sha256 states for output files (`hash` jobs), so hashing runs on every core instead of
// the host thread; jobs run in the order sent, so each file's bytes are hashed in order.
import { createHash } from "node:crypto";
import { readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

const { wasmModule, memory, scratch } = workerData;
const { run } = new WebAssembly.Instance(wasmModule, { env: { memory } }).exports;
let bytes = new Uint8Array(memory.buffer);

function readFully(fd, at, length, position) {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, at + done, length - done, position + done);
    if (n === 0) throw new Error(`input ended at byte ${position + done}: the file shrank while being merged`);
    done += n;
  }
  return done;
}

function runJob(job) {
  if (bytes.byteLength !== memory.buffer.byteLength) bytes = new Uint8Array(memory.buffer);
  const { fds, positions, size } = job.reads;
  const { table, ptrs, slice } = job.staging;
  const view = new DataView(memory.buffer);
  ptrs.forEach((ptr, i) => view.setInt32(table + 4 * i, ptr, true));
  let read = 0;
  for (let from = job.begin; from < job.end; from += slice) {
    const to = Math.min(job.end, from + slice);
    for (let i = 0; i < fds.length; i++) read += readFully(fds[i], ptrs[i], (to - from) * size, positions[i] + from * size);
    run(job.desc, from, to, scratch, table, from);
  }
  return read;
}

const hashes = new Map();

function hashJob(job) {
  let hash = hashes.get(job.hasher);
  if (!hash) hashes.set(job.hasher, (hash = createHash("sha256")));
  if (job.bytes) hash.update(job.bytes);
  else if (job.length > 0) {
    if (bytes.byteLength !== memory.buffer.byteLength) bytes = new Uint8Array(memory.buffer);
    hash.update(bytes.subarray(job.ptr, job.ptr + job.length));
  }
  if (!job.digest) return undefined;
  hashes.delete(job.hasher);
  return hash.digest("hex");
}

parentPort.on("message", (job) => {
  try {
    if (job.hasher !== undefined) {
      parentPort.postMessage({ id: job.id, digest: hashJob(job) });
      return;
    }
    const bytesRead = runJob(job);
    parentPort.postMessage({ id: job.id, bytesRead });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error?.stack ?? error), code: error?.code });
  }
});
parentPort.postMessage({ ready: true });

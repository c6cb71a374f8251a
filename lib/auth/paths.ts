/**
 * Paths the proxy lets through without a session when sign-in is required. Each still passes the host and origin
 * checks, and each endpoint behind them makes its own decision (the sign-in action checks the token; the worker
 * API checks worker tokens).
 */
const PUBLIC_PREFIXES = ["/_next/static/", "/api/worker/"];
const PUBLIC_PATHS = new Set(["/sign-in", "/icon.svg", "/favicon.ico"]);

export function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

/**
 * Where to go after signing in: a path on this site only. Anything that a browser could read as another origin
 * (`//evil.example`, `/\evil.example`, `https://…`, control characters) becomes `/`.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 2048) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\") || /[\u0000-\u001f\u007f]/.test(next)) return "/";
  try {
    const resolved = new URL(next, "http://placeholder.invalid");
    if (resolved.origin !== "http://placeholder.invalid") return "/";
    return `${resolved.pathname}${resolved.search}${resolved.hash}` || "/";
  } catch {
    return "/";
  }
}

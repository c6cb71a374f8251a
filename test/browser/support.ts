import { execFileSync } from "node:child_process";
import path from "node:path";
import { startNextServer, stopNextServer, type NextServer } from "../../scripts/next-server";
import { ensureWebBuild } from "../../scripts/web-build";

/** Helpers for the browser tests: build the app when stale, start it on a free port (scripts/web-server.ts), stop it. */

export const repoRoot = path.resolve(__dirname, "../..");

/** `next build` unless `.next` is newer than every source (PMA_LAB_FORCE_BUILD=1 forces it). */
export function buildIfStale(): void {
  ensureWebBuild(repoRoot, { force: Boolean(process.env.PMA_LAB_FORCE_BUILD) });
}

export { freePort } from "../../scripts/next-server";
export type Server = NextServer;

/** `next start` on a free port in its own process group (so stopServer ends it and nothing else), ready when it answers. */
export function startServer(env: Record<string, string>): Promise<Server> {
  return startNextServer(env);
}

export function stopServer(server: Server | undefined): void {
  void stopNextServer(server);
}

/** Registers a directory through the real CLI, as a user would. */
export function cliScan(env: Record<string, string>, dir: string, args: string[]): { added: number; rejected: unknown[] } {
  const stdout = execFileSync(process.execPath, [path.join(repoRoot, "scripts", "pma-lab.mjs"), "scan", dir, ...args, "--json"], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return JSON.parse(stdout);
}

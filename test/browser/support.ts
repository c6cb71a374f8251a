import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/** Helpers for the browser tests: build the app when stale, start it on a free port, stop it. */

export const repoRoot = path.resolve(__dirname, "../..");
const nextBin = path.join(repoRoot, "node_modules", "next", "dist", "bin", "next");
const buildInputs = ["app", "lib", "db", "next.config.js", "package.json", "postcss.config.mjs"];

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), 0);
}

/** `next build` unless `.next` is newer than every source (a build takes ~1 min on 2 cores). */
export function buildIfStale(): void {
  const built = fs.statSync(path.join(repoRoot, ".next", "BUILD_ID"), { throwIfNoEntry: false });
  const newest = Math.max(...buildInputs.map((entry) => newestMtime(path.join(repoRoot, entry))));
  if (built && built.mtimeMs >= newest && !process.env.PMA_LAB_FORCE_BUILD) return;
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: repoRoot,
    stdio: "inherit",
    // Nothing leaves this machine: no telemetry from the build.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Server {
  url: string;
  process: ChildProcess;
  output: () => string;
}

/** `next start` in its own process group (so stopServer ends it and nothing else), ready when it answers. */
export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${log}`);
    const ok = await fetch(`${url}/runs`).then((r) => r.ok, () => false);
    if (ok) return { url, process: child, output: () => log };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`next start did not answer within 60 s:\n${log}`);
}

export function stopServer(server: Server | undefined): void {
  if (!server?.process.pid || server.process.exitCode !== null) return;
  try {
    process.kill(-server.process.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
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

import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `next start` on a free loopback port in its own process group, ready once it answers: for the browser tests and
 * the load benchmark (`pma-lab serve` is the product's way in).
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

export interface NextServer {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
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

export async function startNextServer(env: Record<string, string>, options: { port?: number; readyPath?: string } = {}): Promise<NextServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, PMA_LAB_HOST: "127.0.0.1", ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
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
    // Any answer will do (a 401 or a redirect to sign-in means the server is up, too).
    const up = await fetch(`${url}${options.readyPath ?? "/icon.svg"}`, { redirect: "manual" }).then(() => true, () => false);
    if (up) return { url, port, process: child, output: () => log };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`next start did not answer within 60 s:\n${log}`);
}

/** SIGTERM to the server's process group (it and nothing else), or SIGKILL to simulate a crash. */
export function stopNextServer(server: NextServer | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!server?.process.pid || server.process.exitCode !== null || server.process.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
  try {
    process.kill(-server.process.pid, signal);
  } catch {
    return Promise.resolve(); // already gone
  }
  return exited;
}

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
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

/** Debian's Chromium, headless and offline, with one page (1280×900 unless told otherwise). */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 }, ...(options.acceptDownloads === undefined ? {} : { acceptDownloads: options.acceptDownloads }) });
  return { browser, page };
}

export const screenshotDir = path.join(repoRoot, "test-results", "screenshots");

export type Shot = (name: string, options?: { fullPage?: boolean }) => Promise<void>;

/** Screenshots of `page` into test-results/screenshots/<prefix><name>.png, full page unless told otherwise. */
export function screenshotter(page: Page, prefix = ""): Shot {
  fs.mkdirSync(screenshotDir, { recursive: true });
  return async (name, options = {}) => {
    await page.screenshot({ path: path.join(screenshotDir, `${prefix}${name}.png`), fullPage: options.fullPage ?? true });
  };
}

/** After a browser test: closes the browser, stops the server, runs `also` (workers, databases), removes the temp root. */
export async function tearDown(parts: { browser?: Browser; server?: Server; root?: string }, also?: () => void | Promise<void>): Promise<void> {
  await parts.browser?.close();
  stopServer(parts.server);
  await also?.();
  if (parts.root) fs.rmSync(parts.root, { recursive: true, force: true });
}

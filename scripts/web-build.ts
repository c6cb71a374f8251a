import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** What the web build depends on: a change to any of these makes the existing build stale. */
const BUILD_INPUTS = ["app", "lib", "db", "proxy.ts", "next.config.js", "package.json", "postcss.config.mjs"];

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), 0);
}

/**
 * Runs `next build` when there is no build yet, the sources changed since the last one, or `force` is set
 * (a build takes about a minute on 2 cores). Used by `pma-lab serve` and the browser tests.
 */
export function ensureWebBuild(root: string, options: { force?: boolean; onBuild?: () => void } = {}): void {
  const built = fs.statSync(path.join(root, ".next", "BUILD_ID"), { throwIfNoEntry: false });
  const newest = Math.max(...BUILD_INPUTS.map((entry) => newestMtime(path.join(root, entry))));
  if (!options.force && built && built.mtimeMs >= newest) return;
  options.onBuild?.();
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    // Nothing leaves this machine: no telemetry from the build.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed; see the output above");
}

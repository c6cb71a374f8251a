import { spawnSync } from "node:child_process";
import path from "node:path";

const CLI = path.resolve(__dirname, "..", "..", "scripts", "pma-lab.mjs");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs the real `pma-lab` CLI in a child process with the given environment. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) };
}

import path from "node:path";
import { z } from "zod";
import { PmaError } from "./errors";

/**
 * Configuration, parsed once from the environment. Shared by the web server, the worker, the CLI and tests,
 * so it never imports `server-only`.
 */
const envSchema = z.object({
  PMA_LAB_DATA_DIR: z.string().trim().min(1).default("./data"),
  PMA_LAB_ROOTS: z.string().optional(),
  /** Headless Chromium, used to print reports to PDF. */
  PMA_LAB_CHROMIUM: z.string().trim().min(1).optional(),
});

/** Debian's Chromium package. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

export interface Config {
  /** Absolute path of the data directory: the SQLite file and managed artifacts live here. */
  dataDir: string;
  /** Absolute path of the SQLite database file. */
  databasePath: string;
  /** Absolute directories checkpoints may be read from; the data dir is always first. */
  roots: string[];
  /** The Chromium executable that prints reports to PDF (DEFAULT_CHROMIUM unless PMA_LAB_CHROMIUM says). */
  chromiumPath?: string;
}

export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("config_invalid", `Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const dataDir = path.resolve(cwd, parsed.data.PMA_LAB_DATA_DIR);
  const extraRoots = (parsed.data.PMA_LAB_ROOTS ?? "")
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const root of extraRoots) {
    if (root.includes("\0")) throw new PmaError("config_invalid", "Invalid configuration: PMA_LAB_ROOTS contains a NUL byte");
  }
  const roots = [dataDir, ...extraRoots.map((root) => path.resolve(cwd, root))];
  return { dataDir, databasePath: path.join(dataDir, "pma-lab.sqlite"), roots: [...new Set(roots)], chromiumPath: parsed.data.PMA_LAB_CHROMIUM ?? DEFAULT_CHROMIUM };
}

let cached: Config | undefined;

/** The process-wide configuration (parsed on first use). */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** For tests and the CLI: forget the cached configuration so the next call re-reads the environment. */
export function resetConfig(): void {
  cached = undefined;
}

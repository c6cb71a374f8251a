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

/**
 * Access control (lib/auth): who may call the web server, and by which host names. Parsed separately from
 * `Config` because only the server and the CLI commands that manage it need it.
 */
export interface AuthConfig {
  /** Every request needs a bearer token or a sign-in session: PMA_LAB_AUTH=on, or the server is not bound to loopback. */
  required: boolean;
  /** The address the server is bound to (PMA_LAB_HOST, set by `pma-lab serve`). */
  bindHost: string;
  /** Host names (optionally name:port) clients may use besides loopback names and IP literals (PMA_LAB_PUBLIC_HOSTS). */
  publicHosts: string[];
  /** How long a sign-in session lasts (PMA_LAB_SESSION_HOURS, default a week). */
  sessionMs: number;
}

const authEnvSchema = z.object({
  PMA_LAB_AUTH: z.enum(["auto", "on"], { message: 'use "auto" (sign-in whenever the server is not bound to loopback) or "on"' }).default("auto"),
  PMA_LAB_HOST: z.string().trim().min(1).optional(),
  PMA_LAB_PUBLIC_HOSTS: z.string().optional(),
  PMA_LAB_SESSION_HOURS: z.coerce.number().positive().max(24 * 365).default(168),
});

const LOOPBACK_NAMES = new Set(["localhost", "::1", "[::1]"]);

/** Loopback names and 127.x addresses: a server bound there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * Where the web server listens when PMA_LAB_HOST is not set: `next start|dev -H HOST` in this process's arguments,
 * "0.0.0.0" for a bare `next start` (Next's default: every interface), loopback for anything else (tests, CLI).
 */
export function bindHostFromArgv(argv: string[]): string {
  const nextBin = argv.findIndex((arg) => /(^|[\\/])next(\.js)?$/.test(arg));
  const command = argv.findIndex((arg, i) => nextBin >= 0 && i > nextBin && (arg === "start" || arg === "dev"));
  if (command < 0) return "127.0.0.1";
  const flag = argv.findIndex((arg, i) => i > command && (arg === "-H" || arg === "--hostname"));
  return flag > 0 && argv[flag + 1] ? argv[flag + 1] : "0.0.0.0";
}

export function parseAuthConfig(env: Record<string, string | undefined>, argv: string[] = process.argv): AuthConfig {
  // An empty variable (FOO= in a shell or a unit file) means "not set".
  const given = Object.fromEntries(Object.keys(authEnvSchema.shape).map((key) => [key, env[key]?.trim() ? env[key] : undefined]));
  const parsed = authEnvSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("config_invalid", `Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const publicHosts = (parsed.data.PMA_LAB_PUBLIC_HOSTS ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
  for (const host of publicHosts) {
    if (!/^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/.test(host)) {
      throw new PmaError("config_invalid", `Invalid configuration: PMA_LAB_PUBLIC_HOSTS: "${host}" is not a host name (name or name:port, comma-separated)`);
    }
  }
  const bindHost = parsed.data.PMA_LAB_HOST ?? bindHostFromArgv(argv);
  return {
    required: parsed.data.PMA_LAB_AUTH === "on" || !isLoopbackHost(bindHost),
    bindHost,
    publicHosts,
    sessionMs: Math.round(parsed.data.PMA_LAB_SESSION_HOURS * 3_600_000),
  };
}

let cached: Config | undefined;
let cachedAuth: AuthConfig | undefined;

/** The process-wide access-control configuration (parsed on first use). */
export function getAuthConfig(): AuthConfig {
  cachedAuth ??= parseAuthConfig(process.env);
  return cachedAuth;
}

/** The process-wide configuration (parsed on first use). */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** For tests and the CLI: forget the cached configuration so the next call re-reads the environment. */
export function resetConfig(): void {
  cached = undefined;
  cachedAuth = undefined;
}

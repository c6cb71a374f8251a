import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { SlurmSettings } from "../../db/schema";
import { PmaError } from "../errors";
import { parsePathMap, type PathMapping } from "../jobs/worker/paths";
import { slurmSettingsSchema, toStoredSettings } from "./settings";

/**
 * The cluster's side of the Slurm executor, written by whoever runs the server: `$PMA_LAB_SLURM_CONFIG`, else
 * `<data dir>/slurm.json`. Parsed once when the submitter starts. Example:
 *
 *   {"server": "http://10.1.0.5:3000", "command": ["/shared/pma-lab/node_modules/.bin/pma-lab"],
 *    "pathMap": ["/srv/ckpt=/lustre/ckpt"], "env": {"PMA_LAB_ROOTS": "/lustre/ckpt"},
 *    "defaults": {"partition": "cpu", "account": "llm", "time": "2:00:00"},
 *    "kinds": {"evaluate": {"partition": "gpu", "gpus": 1}}}
 */

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
/** A value written into the script between single quotes: anything printable but a newline. */
const SAFE_VALUE = /^[^\n\r\0]*$/;

const KIND_GROUPS = ["merge", "sweep-pass", "evaluate", "noop"] as const;

export const slurmConfigSchema = z
  .object({
    /** The PMA Lab server as the compute nodes reach it. */
    server: z.url({ protocol: /^https?$/ }),
    /** How a compute node runs pma-lab: an argv prefix (`worker --job …` is appended). */
    command: z.array(z.string().min(1).max(4096).regex(SAFE_VALUE)).min(1).max(16).default(["pma-lab"]),
    /** Server path prefix = node path prefix, as `pma-lab worker --path-map`. */
    pathMap: z.array(z.string().max(4096)).max(64).default([]),
    /** Exported in the batch script (PMA_LAB_ROOTS for the node's checkpoint mounts, module paths…). */
    env: z.record(z.string().regex(ENV_NAME, "an environment variable name"), z.string().max(4096).regex(SAFE_VALUE)).default({}),
    /** Every submission's settings; per-kind settings, the evaluator's and the sweep's override them. */
    defaults: slurmSettingsSchema.default({}),
    kinds: z.partialRecord(z.enum(KIND_GROUPS), slurmSettingsSchema).default({}),
    /** Lease of the workers started by Slurm; they heartbeat every lease/3. */
    leaseSeconds: z.number().min(1).max(3600).default(60),
    /** How often the submitter looks at the queue and at Slurm. */
    pollSeconds: z.number().min(0.1).max(600).default(10),
    /** A job array is cut into arrays of at most this many tasks (Slurm's MaxArraySize is 1001 by default). */
    maxArraySize: z.number().int().min(1).max(1_000_000).default(1000),
    /** `--array=…%K`: at most K tasks of one array run at once. */
    maxParallel: z.number().int().min(1).max(100_000).optional(),
    /** Tasks waiting on Slurm at once, across submissions; more ready jobs wait for the next round. */
    maxPending: z.number().int().min(1).max(1_000_000).default(2000),
    /** The batch job's working directory and where Slurm writes its output (on the compute nodes). */
    chdir: z.string().startsWith("/").max(4096).regex(SAFE_VALUE).default("/tmp"),
    logDir: z.string().startsWith("/").max(4096).regex(SAFE_VALUE).optional(),
    /** `--job-name` prefix; the data dir's hash and the submission id follow. */
    jobName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/).default("pma-lab"),
    /** Where the Slurm client commands are (default: on PATH). */
    bin: z.string().startsWith("/").max(4096).optional(),
    /** Job states from `scontrol show job` (always works) or `sacct` (needs slurmdbd); auto asks sacct once. */
    states: z.enum(["auto", "scontrol", "sacct"]).default("auto"),
  })
  .strict();

export interface SlurmConfig {
  file: string;
  server: string;
  command: string[];
  pathMap: PathMapping[];
  /** As written (`from=to`), for the batch script. */
  pathMapText: string[];
  env: Record<string, string>;
  defaults: SlurmSettings;
  kinds: Partial<Record<(typeof KIND_GROUPS)[number], SlurmSettings>>;
  leaseSeconds: number;
  pollMs: number;
  maxArraySize: number;
  maxParallel?: number;
  maxPending: number;
  chdir: string;
  logDir: string;
  /** `<jobName>-<8 hex of the data dir>`: names this data dir's submissions on a shared cluster. */
  namePrefix: string;
  bin?: string;
  states: "auto" | "scontrol" | "sacct";
}

export function slurmConfigPath(dataDir: string, env: Record<string, string | undefined> = process.env): string {
  const explicit = env.PMA_LAB_SLURM_CONFIG?.trim();
  return explicit ? path.resolve(explicit) : path.join(dataDir, "slurm.json");
}

export function parseSlurmConfig(text: string, source: string, dataDir: string): SlurmConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new PmaError("slurm_config_invalid", `${source}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = slurmConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("slurm_config_invalid", `${source}: ${issue.path.join(".") || "config"}: ${issue.message}`);
  }
  const c = parsed.data;
  let pathMap: PathMapping[];
  try {
    pathMap = parsePathMap(c.pathMap);
  } catch (error) {
    throw new PmaError("slurm_config_invalid", `${source}: pathMap: ${(error as Error).message}`);
  }
  const kinds = Object.fromEntries(Object.entries(c.kinds).map(([kind, settings]) => [kind, toStoredSettings(settings!)]));
  const tag = crypto.createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 8);
  return {
    file: source,
    server: c.server.replace(/\/+$/, ""),
    command: c.command,
    pathMap,
    pathMapText: c.pathMap,
    env: c.env,
    defaults: toStoredSettings(c.defaults),
    kinds,
    leaseSeconds: c.leaseSeconds,
    pollMs: Math.round(c.pollSeconds * 1000),
    maxArraySize: c.maxArraySize,
    maxParallel: c.maxParallel,
    maxPending: c.maxPending,
    chdir: c.chdir,
    logDir: c.logDir ?? c.chdir,
    namePrefix: `${c.jobName}-${tag}`,
    bin: c.bin,
    states: c.states,
  };
}

/** Reads the file; a missing file is a clear error that says where it was looked for. */
export function loadSlurmConfig(dataDir: string, env: Record<string, string | undefined> = process.env): SlurmConfig {
  const file = slurmConfigPath(dataDir, env);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) throw new PmaError("slurm_not_configured", `no Slurm configuration at ${file} (write it, or point PMA_LAB_SLURM_CONFIG at one; see README, "Running on Slurm")`);
  if (!stat.isFile() || stat.size > 1024 * 1024) throw new PmaError("slurm_config_invalid", `${file}: not a regular file of at most 1 MiB`);
  return parseSlurmConfig(fs.readFileSync(file, "utf8"), file, dataDir);
}

export function slurmConfigured(dataDir: string, env: Record<string, string | undefined> = process.env): boolean {
  return fs.existsSync(slurmConfigPath(dataDir, env));
}

import type { Db } from "../../db/client";
import { describeError } from "../errors";
import { loadEvaluators } from "../eval/registry";
import type { BackoffPolicy } from "../jobs/queue";
import { createSlurmCli, type SlurmCli } from "./commands";
import type { SlurmConfig } from "./config";
import { submitReady } from "./submit";
import { recoverSubmitting, watchSubmissions, type WatchDeps } from "./watch";
import { pause } from "../pause";

/**
 * The submitter: the one process that talks to Slurm for a data dir (`pma-lab slurm submitter`, or beside
 * `pma-lab serve` when slurm.json exists). It must run where the database can be opened and `sbatch` works —
 * the server host made a Slurm submit host. Each round: watch (settle what ended, scancel what was cancelled),
 * then submit what is ready. Run one per data dir.
 */

export interface SubmitterOptions {
  db: Db;
  dataDir: string;
  config: SlurmConfig;
  backoff: BackoffPolicy;
  cli?: SlurmCli;
  /** One round, then return (tests, cron). */
  once?: boolean;
  signal?: AbortSignal;
  say(line: string): void;
}

export interface SubmitterStats {
  rounds: number;
  submitted: number;
  refused: number;
  settled: number;
  cancelled: number;
  errors: string[];
  states: "sacct" | "scontrol";
}

/** The environment sbatch runs with, and so the job's: nothing of the server's own beyond the basics. */
export function submitEnvironment(env: Record<string, string | undefined> = process.env): Record<string, string> {
  const keep = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "SLURM_CONF"];
  return Object.fromEntries(keep.flatMap((key) => (env[key] ? [[key, env[key]!]] : [])));
}

export async function runSubmitter(options: SubmitterOptions): Promise<SubmitterStats> {
  const { config, say } = options;
  const cli = options.cli ?? createSlurmCli({ bin: config.bin });
  const accounting = config.states === "sacct" ? true : config.states === "scontrol" ? false : await cli.accountingAvailable();
  const stats: SubmitterStats = { rounds: 0, submitted: 0, refused: 0, settled: 0, cancelled: 0, errors: [], states: accounting ? "sacct" : "scontrol" };
  const deps: WatchDeps = {
    db: options.db,
    config,
    cli,
    loadRegistry: () => {
      try {
        return loadEvaluators(options.dataDir);
      } catch {
        return null;
      }
    },
    baseEnv: submitEnvironment(),
    now: Date.now,
    say,
    accounting,
    ownerUid: typeof process.getuid === "function" ? process.getuid() : null,
    backoff: options.backoff,
  };
  say(`submitting to Slurm for ${config.server}; job states from ${accounting ? "sacct and scontrol" : "scontrol show job (no sacct: accounting is not configured)"}; every ${config.pollMs / 1000} s`);
  let recovered = false;
  // After sbatch could not reach the controller: no new submissions before this time (doubling up to 5 min).
  let submitAfter = 0;
  let pauseMs = config.pollMs;
  while (!options.signal?.aborted) {
    try {
      if (!recovered) {
        await recoverSubmitting(deps);
        recovered = true;
      }
      const watched = await watchSubmissions(deps);
      stats.settled += watched.settled;
      stats.cancelled += watched.cancelled;
      if (Date.now() >= submitAfter) {
        const sent = await submitReady(deps);
        stats.submitted += sent.submitted;
        stats.refused += sent.refused;
        pauseMs = sent.unreachable ? Math.min(300_000, pauseMs * 2) : config.pollMs;
        submitAfter = sent.unreachable ? Date.now() + pauseMs : 0;
        if (sent.unreachable) say(`sbatch cannot reach the controller; next submission in ${Math.round(pauseMs / 1000)} s`);
      }
    } catch (error) {
      stats.errors.push(describeError(error));
      say(`round failed: ${describeError(error)}; trying again in ${config.pollMs / 1000} s`);
    }
    stats.rounds += 1;
    if (options.once) break;
    await pause(config.pollMs, options.signal);
  }
  return stats;
}

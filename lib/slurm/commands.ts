import { execFile } from "node:child_process";
import path from "node:path";
import { PmaError } from "../errors";
import { parseSacct, parseScontrolJobs, type SlurmTaskState } from "./states";

/**
 * Slurm's client commands, run without a shell (argv arrays) with a timeout each. The submitter is the only
 * caller; the parsing lives in states.ts. Everything here needs `sbatch` & co. on PATH (or slurm.json's `bin`)
 * and this host able to reach slurmctld (munge key, slurm.conf).
 */
export interface SlurmCli {
  /** Submits a batch script on stdin; returns Slurm's job id. */
  submit(script: string, env: Record<string, string>): Promise<string>;
  /** States of a job's tasks from slurmctld's memory; null once it has forgotten the job (after MinJobAge). */
  show(jobId: string): Promise<SlurmTaskState[] | null>;
  /** States from the accounting database (sacct); only where slurmdbd runs. */
  accounting(jobIds: string[]): Promise<SlurmTaskState[]>;
  accountingAvailable(): Promise<boolean>;
  /** scancel; ids like "123" or "123_4". Jobs already gone are not an error. */
  cancel(ids: string[]): Promise<void>;
  /** The (array) job id of a job with this name still known to slurmctld, if any. */
  findByName(name: string): Promise<string | null>;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Messages meaning "slurmctld is busy or unreachable right now": try again next round. */
const TRANSIENT = /socket timed out|unable to contact slurm controller|zero bytes were transmitted|resource temporarily unavailable|connection refused|connect failure|slurmctld.*(busy|not responding)|try again/i;

export function isTransientSlurmError(message: string): boolean {
  return TRANSIENT.test(message);
}

export function createSlurmCli(options: { bin?: string; timeoutMs?: number } = {}): SlurmCli {
  const timeout = options.timeoutMs ?? 60_000;
  const command = (name: string) => (options.bin ? path.join(options.bin, name) : name);
  const run = (name: string, args: string[], extra: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const child = execFile(command(name), args, { timeout, maxBuffer: 64 * 1024 * 1024, env: (extra.env ?? process.env) as NodeJS.ProcessEnv, encoding: "utf8" }, (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
          reject(new PmaError(missing ? "slurm_cli_missing" : "slurm_unavailable", missing ? `${command(name)} not found: install the Slurm client on this host or set "bin" in slurm.json` : `${name}: ${error.message}`, { permanent: false }));
          return;
        }
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      });
      if (extra.input !== undefined) child.stdin?.end(extra.input);
    });
  const fail = (name: string, result: RunResult): PmaError => {
    const message = (result.stderr || result.stdout).trim().split("\n").slice(-3).join(" ") || `exit ${result.code}`;
    return new PmaError(isTransientSlurmError(message) ? "slurm_unavailable" : "slurm_refused", `${name}: ${message}`, { permanent: !isTransientSlurmError(message) });
  };

  return {
    async submit(script, env) {
      // --export=ALL: the job gets exactly sbatch's environment, which the submitter builds (token included).
      const result = await run("sbatch", ["--parsable", "--export=ALL"], { input: script, env });
      const id = /^(\d+)/.exec(result.stdout.trim())?.[1];
      if (result.code !== 0 || !id) throw fail("sbatch", result);
      return id;
    },
    async show(jobId) {
      const result = await run("scontrol", ["show", "job", "--oneliner", jobId]);
      if (result.code !== 0) {
        if (/invalid job id/i.test(result.stderr)) return null;
        throw fail("scontrol", result);
      }
      return parseScontrolJobs(result.stdout);
    },
    async accounting(jobIds) {
      if (jobIds.length === 0) return [];
      const result = await run("sacct", ["--parsable2", "--noheader", "--allocations", "--format=JobID,State,ExitCode", `--jobs=${jobIds.join(",")}`]);
      if (result.code !== 0) throw fail("sacct", result);
      return parseSacct(result.stdout);
    },
    async accountingAvailable() {
      try {
        const result = await run("sacct", ["--parsable2", "--noheader", "--allocations", "--format=JobID", "--starttime=now"]);
        return result.code === 0;
      } catch {
        return false;
      }
    },
    async cancel(ids) {
      if (ids.length === 0) return;
      const result = await run("scancel", ids);
      if (result.code !== 0 && !/already completing or completed|invalid job id/i.test(result.stderr)) throw fail("scancel", result);
    },
    async findByName(name) {
      const result = await run("squeue", ["--noheader", "--states=all", `--name=${name}`, "--format=%F"]);
      if (result.code !== 0) throw fail("squeue", result);
      return /^(\d+)/m.exec(result.stdout.trim())?.[1] ?? null;
    },
  };
}

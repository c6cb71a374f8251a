import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { parseSlurmConfig } from "../../lib/slurm/config";
import { runSubmitter, type SubmitterStats } from "../../lib/slurm/submitter";
import { startApiServer } from "../worker/helpers/server";

/**
 * The single-node cluster that scripts/ci/slurm-up.sh starts (`.ci/run` does it in CI). In CI a cluster that is
 * not up fails the tests with the reason; elsewhere they are skipped only where Slurm is not installed at all.
 */
export const ROOT = path.resolve(__dirname, "..", "..");
export const CLI = path.join(ROOT, "scripts", "pma-lab.mjs");

function clusterState(): { up: true } | { up: false; installed: boolean; why: string } {
  const ping = spawnSync("scontrol", ["ping"], { encoding: "utf8", timeout: 20_000 });
  if (ping.status === 0 && /UP/.test(ping.stdout)) {
    const node = spawnSync("sinfo", ["--noheader", "--format=%T"], { encoding: "utf8", timeout: 20_000 });
    if (/^(idle|mixed|allocated|completing)/m.test(node.stdout)) return { up: true };
    return { up: false, installed: true, why: `the node is not ready (sinfo: ${node.stdout.trim() || node.stderr.trim()})` };
  }
  const installed = spawnSync("sh", ["-c", "command -v slurmctld"], { encoding: "utf8" }).status === 0;
  return { up: false, installed, why: ping.error ? ping.error.message : (ping.stderr || ping.stdout).trim() };
}

const state = clusterState();

/** Whether the Slurm tests run here; throws (failing the file) when they must run and cannot. */
export function slurmAvailable(): boolean {
  if (state.up) return true;
  const help = `start it with scripts/ci/slurm-up.sh (as root); scontrol ping: ${state.why}`;
  if (process.env.CI) throw new Error(`The Slurm tests need the single-node cluster that .ci/run starts, and it is not up: ${help}`);
  if (state.installed) throw new Error(`Slurm is installed but the test cluster is not up: ${help}`);
  return false;
}

export interface SlurmLab {
  url: string;
  config: ReturnType<typeof parseSlurmConfig>;
  /** The submitter's log lines (printed when a test fails). */
  log: string[];
  /** Stops the submitter and the API server. */
  stop(): Promise<SubmitterStats>;
}

/**
 * The worker API on a plain HTTP server and the submitter in this process, on `dataDir`: the same code as
 * `pma-lab serve` + `pma-lab slurm submitter`. `slurm` is merged into the slurm.json written for it.
 */
export async function startSlurmLab(db: Db, dataDir: string, slurm: Record<string, unknown> = {}): Promise<SlurmLab> {
  const server = await startApiServer(db, dataDir);
  const logDir = path.join(dataDir, "slurm-logs");
  fs.mkdirSync(logDir, { recursive: true });
  const file = path.join(dataDir, "slurm.json");
  const { env, defaults, ...rest } = slurm as { env?: Record<string, string>; defaults?: Record<string, unknown> };
  const text = JSON.stringify({
    server: server.url,
    command: [process.execPath, CLI],
    // The workers' own data dir is empty: they reach the server only over HTTP.
    env: { PMA_LAB_ROOTS: dataDir, PMA_LAB_DATA_DIR: path.join(dataDir, "worker-home"), PMA_LAB_TEST_JOBS: "1", NEXT_TELEMETRY_DISABLED: "1", ...env },
    defaults: { cpus: 1, mem: "1G", time: 10, ...defaults },
    leaseSeconds: 3,
    pollSeconds: 0.5,
    chdir: dataDir,
    logDir,
    ...rest,
  });
  fs.writeFileSync(file, text);
  const config = parseSlurmConfig(text, file, dataDir);
  const log: string[] = [];
  const stopping = new AbortController();
  const done = runSubmitter({ db, dataDir, config, backoff: { baseMs: 50, maxMs: 200 }, signal: stopping.signal, say: (line) => log.push(`${new Date().toISOString()} ${line}`) });
  return {
    url: server.url,
    config,
    log,
    stop: async () => {
      stopping.abort();
      const stats = await done;
      await server.close();
      return stats;
    },
  };
}

/** Slurm's own view of a job (scontrol), for assertions. */
export function scontrolState(slurmJobId: string): string {
  const result = spawnSync("scontrol", ["show", "job", "--oneliner", slurmJobId], { encoding: "utf8" });
  return /JobState=(\S+)/.exec(result.stdout)?.[1] ?? "UNKNOWN";
}

/** The processes of a running Slurm job's batch step (the worker: the script exec's it). */
export function batchPids(slurmJobId: string): number[] {
  const result = spawnSync("scontrol", ["listpids", slurmJobId], { encoding: "utf8" });
  return result.stdout
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[2] === "batch" && /^\d+$/.test(cols[0]))
    .map((cols) => Number(cols[0]));
}

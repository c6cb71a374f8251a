import os from "node:os";
import type { Command } from "commander";
import { getDb } from "../../../db";
import { listWorkerTokens } from "../../../db/queries";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { table } from "../../../lib/format";
import { getJobConfig } from "../../../lib/jobs/config";
import { createWorkerToken, revokeToken } from "../../../lib/jobs/tokens";
import { createDirectTransport } from "../../../lib/jobs/worker/direct-transport";
import { detectHost } from "../../../lib/jobs/worker/host";
import { createHttpTransport } from "../../../lib/jobs/worker/http-transport";
import { startWorker } from "../../../lib/jobs/worker/loop";
import { parsePathMap } from "../../../lib/jobs/worker/paths";
import { runSingleJob, type SingleJobOptions } from "../../../lib/jobs/worker/single";
import { action, emit } from "../output";

interface WorkerCliOptions {
  exitWhenIdle?: boolean;
  slots: string;
  server?: string;
  token?: string;
  leaseSeconds: string;
  pollMs: string;
  name?: string;
  pathMap: string[];
  threads?: string;
  job?: string;
  json?: boolean;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new PmaError("invalid_arguments", `${flag}: expected a positive number, got "${text}"`);
  return value;
}

/**
 * `worker --job ID`: one job, then exit. SIGTERM or SIGINT abandons it (the scheduler that sent it settles the
 * attempt). Exit code 0 when the job succeeded or needed nothing, 1 when its attempt failed, 143 when abandoned.
 */
async function runOneJob(options: SingleJobOptions, cli: WorkerCliOptions, stopping: AbortController): Promise<void> {
  const handle = runSingleJob(options);
  const onSignal = (signal: NodeJS.Signals): void => {
    options.say(`${signal}: abandoning job #${options.jobId}; whoever stopped this worker settles it`);
    stopping.abort();
    handle.abandon();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    const stats = await handle.done;
    emit(cli, stats, () => `worker #${stats.workerId}: job #${stats.jobId} ${stats.outcome === "nothing_to_do" ? `was already ${stats.status}` : stats.outcome} in ${stats.seconds.toFixed(1)} s`);
    if (stats.outcome === "failed" || stats.outcome === "retrying") process.exitCode = 1;
    if (stats.outcome === "abandoned") process.exitCode = 143;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}

/** `worker` and `worker-token`: running jobs, locally or against a remote server, and the tokens for that. */
export function registerWorkerCommands(program: Command): void {
  program
    .command("worker")
    .description("Claim and run jobs: locally on the SQLite file, or against a server over HTTP with --server and a token")
    .option("--exit-when-idle", "exit once the queue has nothing queued or running (scripts, tests)")
    .option("--slots <n>", "concurrent CPU jobs (merges); one evaluation per GPU is added automatically", "1")
    .option("--server <url>", "remote mode: the PMA Lab server to talk to (HTTP only; never opens the database)")
    .option("--token <token>", "remote mode: this worker's token (or PMA_LAB_WORKER_TOKEN)")
    .option("--lease-seconds <s>", "lease length; heartbeats every lease/3", "30")
    .option("--poll-ms <ms>", "pause between claims while nothing is due", "1000")
    .option("--name <name>", "worker name shown in the UI", `${os.hostname()}:${process.pid}`)
    .option("--path-map <from=to>", "map a server path prefix onto this host's mount (repeatable)", (value: string, all: string[]) => [...all, value], [])
    .option("--threads <n>", "threads for merges (default: all cores, or Slurm's --cpus-per-task)")
    .option("--job <id>", "claim exactly this job, run it and exit (what a Slurm task runs); waits while another attempt holds it")
    .option("--json", "print the final figures as one JSON document")
    .action(
      action(async (options: WorkerCliOptions) => {
        const cpuSlots = Math.floor(positiveNumber("--slots", options.slots));
        const leaseMs = Math.round(positiveNumber("--lease-seconds", options.leaseSeconds) * 1000);
        const pollMs = Math.round(positiveNumber("--poll-ms", options.pollMs));
        const token = options.token ?? process.env.PMA_LAB_WORKER_TOKEN;
        if (options.server && !token) throw new PmaError("invalid_arguments", "--server needs --token (or PMA_LAB_WORKER_TOKEN)");
        const config = getConfig();
        const jobConfig = getJobConfig();
        const say = (line: string): void => {
          process.stderr.write(`${new Date().toISOString()} pma-lab worker: ${line}\n`);
        };
        const stopping = new AbortController();
        const transport = options.server
          ? createHttpTransport({
              server: options.server,
              token: token!,
              signal: stopping.signal,
              onRetry: (what, error, delay) => say(`${what}: server unreachable (${(error as Error).message}); retrying in ${delay} ms`),
            })
          : createDirectTransport(getDb(), config.dataDir, jobConfig);
        const host = await detectHost();
        const name = options.name ?? `${os.hostname()}:${process.pid}`;
        const threads = options.threads
          ? Math.floor(positiveNumber("--threads", options.threads))
          : Number(process.env.SLURM_CPUS_PER_TASK) > 0
            ? Number(process.env.SLURM_CPUS_PER_TASK)
            : os.availableParallelism();
        const artifactsDir = options.server ? undefined : `${config.dataDir}/artifacts`;
        if (options.job !== undefined) {
          if (!/^\d+$/.test(options.job)) throw new PmaError("invalid_arguments", `--job: expected a job id, got "${options.job}"`);
          await runOneJob({ transport, host, name, jobId: Number(options.job), leaseMs, pollMs, pathMap: parsePathMap(options.pathMap), roots: config.roots, threads, allowTestJobs: jobConfig.allowTestJobs, artifactsDir, say }, options, stopping);
          return;
        }
        const handle = startWorker({
          transport,
          host,
          name,
          cpuSlots,
          leaseMs,
          pollMs,
          exitWhenIdle: Boolean(options.exitWhenIdle),
          pathMap: parsePathMap(options.pathMap),
          roots: config.roots,
          threads,
          allowTestJobs: jobConfig.allowTestJobs,
          artifactsDir,
          say,
        });
        let signals = 0;
        const onSignal = (signal: NodeJS.Signals): void => {
          signals += 1;
          if (signals === 1) {
            say(`${signal}: finishing the running job(s), then exiting (send it again to hand them back now)`);
            stopping.abort();
            handle.stop();
          } else {
            say(`${signal} again: handing the running job(s) back now`);
            handle.stopNow();
          }
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
        const stats = await handle.done;
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
        emit(options, stats, () => {
          const o = stats.outcomes;
          return `worker #${stats.workerId}: ${stats.claimed} claimed — ${o.succeeded} succeeded, ${o.failed} failed, ${o.retrying} to retry, ${o.lease_lost} lease lost, ${o.released} handed back; ${stats.errors.length} error(s); ${stats.seconds.toFixed(1)} s`;
        });
      }),
    );

  const tokens = program.command("worker-token").description("Tokens for remote workers (shown once, stored hashed)");
  tokens
    .command("create")
    .argument("<name>", "a name for the worker or host")
    .option("--json", "print one JSON document")
    .action(
      action((name: string, options: { json?: boolean }) => {
        const created = createWorkerToken(getDb(), name);
        emit(options, created, () => `${created.token}\n\nThe token for "${name}" is shown only now. Start the remote worker with:\n  PMA_LAB_WORKER_TOKEN=${created.token} npx pma-lab worker --server http://THIS-HOST:3000`);
      }),
    );
  tokens
    .command("revoke")
    .argument("<name>")
    .option("--json", "print one JSON document")
    .action(
      action((name: string, options: { json?: boolean }) => {
        revokeToken(getDb(), name);
        emit(options, { name, revoked: true }, () => `revoked the worker token "${name}"`);
      }),
    );
  tokens
    .command("list")
    .option("--json", "print one JSON document")
    .action(
      action((options: { json?: boolean }) => {
        const rows = listWorkerTokens(getDb());
        emit(options, { tokens: rows }, () =>
          rows.length === 0
            ? "No worker tokens. Create one with: pma-lab worker-token create NAME"
            : table(["name", "created", "last used", "revoked"], rows.map((row) => [row.name, row.createdAt, row.lastUsedAt ? new Date(row.lastUsedAt).toISOString() : "—", row.revokedAt ?? ""])),
        );
      }),
    );
}

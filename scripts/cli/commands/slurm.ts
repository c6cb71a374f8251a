import type { Command } from "commander";
import { getDb } from "../../../db";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { table } from "../../../lib/format";
import { getJobConfig } from "../../../lib/jobs/config";
import { loadSlurmConfig } from "../../../lib/slurm/config";
import { runSubmitter } from "../../../lib/slurm/submitter";
import { targetJob, targetSweep } from "../../../lib/slurm/target";
import { describeSlurmJob, listLiveSlurmTasks } from "../../../lib/slurm/view";
import { action, emit } from "../output";
import { addSlurmOptions, slurmSettingsFrom, type SlurmFlagOptions } from "./slurm-options";

function parseId(text: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new PmaError("invalid_arguments", `${what}: expected a number, got "${text}"`);
  return Number(text);
}

/** `slurm submitter|target|show|status`: the Slurm executor (lib/slurm). */
export function registerSlurmCommands(program: Command): void {
  const slurm = program.command("slurm").description("Run jobs on a Slurm cluster: the submitter, targeting sweeps and jobs, batch scripts");
  slurm
    .command("submitter")
    .description("Hand Slurm-targeted jobs to sbatch, follow them through scontrol/sacct, scancel cancelled ones (run one per data dir)")
    .option("--once", "one round, then exit")
    .option("--json", "print the final figures as one JSON document")
    .action(
      action(async (options: { once?: boolean; json?: boolean }) => {
        const { dataDir } = getConfig();
        const config = loadSlurmConfig(dataDir);
        const stopping = new AbortController();
        const say = (line: string): void => {
          process.stderr.write(`${new Date().toISOString()} pma-lab slurm: ${line}\n`);
        };
        const onSignal = (signal: NodeJS.Signals): void => {
          say(`${signal}: stopping after this round (jobs on Slurm keep running; the next submitter picks them up)`);
          stopping.abort();
        };
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
        try {
          const stats = await runSubmitter({ db: getDb(), dataDir, config, backoff: getJobConfig().backoff, once: options.once, signal: stopping.signal, say });
          emit(options, stats, () => `${stats.rounds} round(s): ${stats.submitted} submitted, ${stats.refused} refused, ${stats.settled} settled, ${stats.cancelled} cancelled; ${stats.errors.length} error(s)`);
        } finally {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
        }
      }),
    );
  addSlurmOptions(
    slurm
      .command("target")
      .description("Move a queued job, or a sweep (its queued jobs and every job enqueued for it later), to Slurm")
      .option("--job <id>", "a queued job")
      .option("--sweep <id>", "a sweep")
      .option("--json", "print one JSON document"),
  ).action(
    action((options: SlurmFlagOptions & { job?: string; sweep?: string; json?: boolean }) => {
      if (Boolean(options.job) === Boolean(options.sweep)) throw new PmaError("invalid_arguments", "give exactly one of --job ID or --sweep ID");
      loadSlurmConfig(getConfig().dataDir); // refuse before anything moves when Slurm is not configured
      const settings = slurmSettingsFrom(options);
      const jobs = options.job ? targetJob(getDb(), parseId(options.job, "--job"), settings) : targetSweep(getDb(), parseId(options.sweep!, "--sweep"), settings);
      emit(options, { jobs, settings }, () => `on Slurm now: ${jobs.length ? jobs.map((id) => `#${id}`).join(", ") : "no queued job"}${options.sweep ? " (and every job enqueued for the sweep from now on)" : ""}`);
    }),
  );
  slurm
    .command("show")
    .description("A job's Slurm submissions: Slurm job ids, states, what happened, and the batch script")
    .argument("<job>", "job id")
    .option("--json", "print one JSON document")
    .action(
      action((id: string, options: { json?: boolean }) => {
        const view = describeSlurmJob(getDb(), parseId(id, "job id"));
        emit(options, view, () => {
          if (!view.target && view.tasks.length === 0) return `job #${id} does not run on Slurm`;
          if (view.tasks.length === 0) return `job #${id} runs on Slurm and waits for the submitter (pma-lab slurm submitter)`;
          return view.tasks
            .map((task) => [
              `submission #${task.submissionId}: Slurm job ${task.slurmId ?? "(not submitted)"} ${task.state ?? task.submissionState}${task.exitCode ? ` exit ${task.exitCode}` : ""}${task.message ? ` — ${task.message}` : ""}`,
              task.script,
            ].join("\n"))
            .join("\n");
        });
      }),
    );
  slurm
    .command("status")
    .description("Tasks still waiting on Slurm")
    .option("--json", "print one JSON document")
    .action(
      action((options: { json?: boolean }) => {
        const tasks = listLiveSlurmTasks(getDb());
        emit(options, { tasks }, () =>
          tasks.length === 0
            ? "Nothing waiting on Slurm."
            : table(["job", "kind", "job status", "submission", "slurm job", "state", "reason"], tasks.map((t) => [t.jobId, t.kind, t.jobStatus, t.submissionId, t.slurmId ?? "—", t.state, t.reason ?? ""])),
        );
      }),
    );
}

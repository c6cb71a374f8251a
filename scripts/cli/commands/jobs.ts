import type { Command } from "commander";
import { getDb } from "../../../db";
import { findJobById, listAttempts } from "../../../db/queries";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { formatBytes, table } from "../../../lib/format";
import { getJobConfig } from "../../../lib/jobs/config";
import { jobNotFound } from "../../../lib/jobs/errors";
import { readLogTail } from "../../../lib/jobs/logs";
import { cancelJob, reapExpiredLeases, retryJob } from "../../../lib/jobs/queue";
import { jobsSnapshot, summarizeJob, type JobRow } from "../../../lib/jobs/snapshot";
import { action, emit } from "../output";


function parseId(text: string): number {
  if (!/^\d+$/.test(text)) throw new PmaError("invalid_arguments", `job id: expected a number, got "${text}"`);
  return Number(text);
}

function progressText(row: JobRow): string {
  const p = row.progress;
  if (!p) return "";
  const pct = p.bytesTotal ? ` ${Math.round((100 * (p.bytesDone ?? 0)) / p.bytesTotal)}%` : "";
  const rate = p.rate ? ` ${formatBytes(p.rate)}/s` : "";
  const eta = p.etaSeconds !== undefined ? ` ETA ${Math.round(p.etaSeconds)} s` : "";
  return `${p.phase}${pct}${rate}${eta}`;
}

/** `jobs` (the queue and workers), `jobs show|cancel|retry ID`, `gc`. */
export function registerJobsCommands(program: Command): void {
  const jobs = program
    .command("jobs")
    .description("The job queue and the workers")
    .option("--json", "print one JSON document")
    .action(
      action((options: { json?: boolean }) => {
        const db = getDb();
        reapExpiredLeases(db, { backoff: getJobConfig().backoff });
        const snapshot = jobsSnapshot(db, { dataDir: getConfig().dataDir });
        emit(options, snapshot, () => {
          const c = snapshot.counts;
          const rows = [...snapshot.running, ...snapshot.queued, ...snapshot.recent.slice(0, 10)];
          return [
            `queue: ${c.queued} queued, ${c.running} running, ${c.succeeded} succeeded, ${c.failed} failed, ${c.cancelled} cancelled`,
            rows.length
              ? table(
                  ["job", "kind", "status", "attempts", "worker", "progress / error", "what"],
                  rows.map((row) => [row.id, row.kind, row.status, `${row.attempts}/${row.maxAttempts}`, row.worker ?? "", row.status === "failed" ? (row.lastError?.message ?? "") : row.status === "running" ? progressText(row) : "", row.summary]),
                )
              : "",
            `workers: ${snapshot.workers.length === 0 ? "none running (start one with: pma-lab worker)" : ""}`,
            ...snapshot.workers.map(
              (w) =>
                `  #${w.id} ${w.name} on ${w.host} (${w.mode}): ${w.cpus} cores, ${formatBytes(w.memory)}, GPUs ${w.gpus.map((g) => g.name).join(", ") || "none"}; ` +
                `last heartbeat ${new Date(w.lastHeartbeat).toISOString()}${w.healthy ? "" : " — silent"}`,
            ),
            snapshot.disk ? `disk: ${formatBytes(snapshot.disk.artifacts.bytes)} in ${snapshot.disk.artifacts.count} artifact(s); ${formatBytes(snapshot.disk.freeBytes)} free of ${formatBytes(snapshot.disk.totalBytes)}` : "",
          ]
            .filter(Boolean)
            .join("\n");
        });
      }),
    );
  jobs
    .command("show")
    .argument("<id>")
    .option("--json", "print one JSON document")
    .action(
      action((id: string, options: { json?: boolean }) => {
        const db = getDb();
        const job = findJobById(db, parseId(id));
        if (!job) throw jobNotFound(parseId(id));
        const attempts = listAttempts(db, job.id);
        const log = readLogTail(getConfig().dataDir, attempts.at(-1)?.logPath ?? null);
        emit(options, { job, attempts, log }, () =>
          [
            `job #${job.id} (${job.kind}): ${job.status}, attempts ${job.attempts}/${job.maxAttempts} — ${summarizeJob(job)}`,
            job.lastError ? `last error: ${job.lastError.message} [${job.lastError.code}]` : "",
            table(["attempt", "worker", "outcome", "error"], attempts.map((a) => [a.attempt, a.workerId ?? "", a.outcome, a.error?.message ?? ""])),
            log ? `--- log of attempt ${attempts.at(-1)!.attempt} ---\n${log}` : "",
          ]
            .filter(Boolean)
            .join("\n"),
        );
      }),
    );
  jobs
    .command("cancel")
    .argument("<id>")
    .option("--json", "print one JSON document")
    .action(
      action((id: string, options: { json?: boolean }) => {
        const job = cancelJob(getDb(), parseId(id));
        emit(options, { id: job.id, status: job.status }, () => `job #${job.id}: ${job.status}`);
      }),
    );
  jobs
    .command("retry")
    .argument("<id>")
    .option("--json", "print one JSON document")
    .action(
      action((id: string, options: { json?: boolean }) => {
        const job = retryJob(getDb(), parseId(id));
        emit(options, { id: job.id, status: job.status }, () => `job #${job.id}: ${job.status}`);
      }),
    );
}

import type { SbatchRequest } from "../../db/schema";
import { formatMemory, formatSlurmTime } from "./settings";

/**
 * The batch script of one submission (pure). It holds no secret — the worker token arrives in
 * PMA_LAB_WORKER_TOKEN through sbatch's environment — so it is stored and shown to anyone who can see the job,
 * and it is what a cluster admin reads to know what runs on their nodes: one `pma-lab worker --job ID` per task.
 */

export interface ScriptInput {
  submissionId: number;
  /** `--job-name`. */
  name: string;
  request: SbatchRequest;
  /** PMA Lab job ids, one per task (array index = position). */
  jobIds: number[];
  /** What the jobs are, in a few words, for the header comment. */
  description: string;
  server: string;
  command: string[];
  pathMap: string[];
  env: Record<string, string>;
  chdir: string;
  logDir: string;
  leaseSeconds: number;
  maxParallel?: number;
}

/** Single-quotes a word for bash: 'it'\''s'. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function sbatchOptions(input: Pick<ScriptInput, "name" | "request" | "jobIds" | "chdir" | "logDir" | "maxParallel">): string[] {
  const { request } = input;
  const isArray = input.jobIds.length > 1;
  const options = [`--job-name=${input.name}`];
  if (request.partition) options.push(`--partition=${request.partition}`);
  if (request.account) options.push(`--account=${request.account}`);
  if (request.qos) options.push(`--qos=${request.qos}`);
  options.push(`--time=${formatSlurmTime(request.timeMinutes)}`, "--nodes=1", "--ntasks=1", `--cpus-per-task=${request.cpus}`, `--mem=${formatMemory(request.memMiB)}`);
  if (request.gpus > 0) options.push(`--gres=gpu:${request.gpuType ? `${request.gpuType}:` : ""}${request.gpus}`);
  if (isArray) options.push(`--array=0-${input.jobIds.length - 1}${input.maxParallel ? `%${input.maxParallel}` : ""}`);
  // PMA Lab retries and counts attempts itself; a Slurm requeue would run a second copy behind its back.
  options.push("--no-requeue", `--chdir=${input.chdir}`, `--output=${input.logDir.replace(/\/+$/, "")}/${isArray ? "%x-%A_%a.out" : "%x-%j.out"}`);
  options.push(...request.extra);
  return options;
}

export function renderBatchScript(input: ScriptInput): string {
  const isArray = input.jobIds.length > 1;
  const lines = ["#!/bin/bash", ...sbatchOptions(input).map((option) => `#SBATCH ${option}`), ""];
  lines.push(
    `# PMA Lab submission #${input.submissionId}: ${input.description}.`,
    `# Each task runs one PMA Lab job with \`pma-lab worker --job ID\` against ${input.server}; the worker's token`,
    "# comes in PMA_LAB_WORKER_TOKEN from sbatch's environment, may act only on these jobs, and is revoked when",
    "# they end. Leases fence every call: a duplicated or requeued copy cannot publish twice.",
    "set -euo pipefail",
  );
  for (const [key, value] of Object.entries(input.env)) lines.push(`export ${key}=${shellQuote(value)}`);
  const worker = [...input.command, "worker", "--server", input.server, "--lease-seconds", String(input.leaseSeconds)];
  for (const mapping of input.pathMap) worker.push("--path-map", mapping);
  const argv = worker.map(shellQuote).join(" ");
  if (isArray) {
    lines.push(`JOBS=(${input.jobIds.join(" ")})`, `exec ${argv} --name "slurm:\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}" --job "\${JOBS[\${SLURM_ARRAY_TASK_ID}]}"`);
  } else {
    lines.push(`exec ${argv} --name "slurm:\${SLURM_JOB_ID}" --job ${input.jobIds[0]}`);
  }
  return `${lines.join("\n")}\n`;
}

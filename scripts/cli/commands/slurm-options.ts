import type { Command } from "commander";
import type { SlurmSettings } from "../../../db/schema";
import { PmaError } from "../../../lib/errors";
import { parseSlurmSettings, type SlurmSettingsInput } from "../../../lib/slurm/settings";

/** The sbatch flags shared by `sweep create --executor slurm` and `slurm target`. */
export interface SlurmFlagOptions {
  partition?: string;
  account?: string;
  qos?: string;
  time?: string;
  cpus?: string;
  mem?: string;
  gpus?: string;
  gpuType?: string;
  sbatch: string[];
}

export function addSlurmOptions(command: Command): Command {
  return command
    .option("--partition <name>", "Slurm: partition (default: slurm.json)")
    .option("--account <name>", "Slurm: account")
    .option("--qos <name>", "Slurm: QoS")
    .option("--time <limit>", "Slurm: time limit, 90 or 1:30:00 (default: from each job's estimate)")
    .option("--cpus <n>", "Slurm: CPUs per task (default: from each job's estimate)")
    .option("--mem <size>", "Slurm: memory per task, 8G (default: from each job's estimate)")
    .option("--gpus <k>", "Slurm: GPUs per evaluation task (--gres=gpu:K)")
    .option("--gpu-type <type>", "Slurm: GPU type in the gres (gpu:TYPE:K)")
    .option("--sbatch <option>", "Slurm: another sbatch option, e.g. --constraint=a100 (repeatable)", (value: string, all: string[]) => [...all, value], []);
}

function count(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new PmaError("invalid_arguments", `${flag}: expected a whole number, got "${text}"`);
  return Number(text);
}

/** The flags, validated, in the stored form (minutes, MiB). */
export function slurmSettingsFrom(options: SlurmFlagOptions): SlurmSettings {
  return parseSlurmSettings(slurmRequestFrom(options), "Slurm options");
}

/** The flags as a sweep request's `slurm` field (the written form; createSweep validates it). */
export function slurmRequestFrom(options: SlurmFlagOptions): SlurmSettingsInput {
  return {
    ...(options.partition ? { partition: options.partition } : {}),
    ...(options.account ? { account: options.account } : {}),
    ...(options.qos ? { qos: options.qos } : {}),
    ...(options.time ? { time: options.time } : {}),
    ...(options.cpus ? { cpus: count("--cpus", options.cpus) } : {}),
    ...(options.mem ? { mem: options.mem } : {}),
    ...(options.gpus ? { gpus: count("--gpus", options.gpus) } : {}),
    ...(options.gpuType ? { gpuType: options.gpuType } : {}),
    ...(options.sbatch.length > 0 ? { extra: options.sbatch } : {}),
  };
}

export function hasSlurmFlags(options: SlurmFlagOptions): boolean {
  return Boolean(options.partition || options.account || options.qos || options.time || options.cpus || options.mem || options.gpus || options.gpuType || options.sbatch.length > 0);
}

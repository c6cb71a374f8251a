import { z } from "zod";
import type { SlurmSettingsInput } from "./settings";

/**
 * The sweep launcher's Slurm fields, as form text (every one optional; blank means "slurm.json decides"):
 * partition, account, qos, time ("1:30:00"), cpus, mem ("16G"), gpus, gpuType, and sbatch (extra options, one per
 * line). createSweep validates the values themselves.
 */
const blank = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value.trim());

export const slurmFormFields = {
  partition: z.string().optional(),
  account: z.string().optional(),
  qos: z.string().optional(),
  time: z.string().optional(),
  cpus: z.string().optional(),
  mem: z.string().optional(),
  gpus: z.string().optional(),
  gpuType: z.string().optional(),
  sbatch: z.string().optional(),
};

type SlurmForm = { [K in keyof typeof slurmFormFields]?: string };

export function slurmSettingsFromForm(form: SlurmForm): SlurmSettingsInput {
  const number = (value: string | undefined) => (blank(value) === undefined ? undefined : Number(blank(value)));
  const extra = (form.sbatch ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const settings: SlurmSettingsInput = {
    partition: blank(form.partition),
    account: blank(form.account),
    qos: blank(form.qos),
    time: blank(form.time),
    cpus: number(form.cpus),
    mem: blank(form.mem),
    gpus: number(form.gpus),
    gpuType: blank(form.gpuType),
    extra: extra.length > 0 ? extra : undefined,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as SlurmSettingsInput;
}

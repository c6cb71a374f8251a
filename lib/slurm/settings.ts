import { z } from "zod";
import type { SlurmSettings } from "../../db/schema";
import { PmaError } from "../errors";

/**
 * What a sweep, a job, an evaluator or slurm.json may ask of the cluster, in Slurm's own notation (`--time`
 * 1:30:00 or 90, `--mem` 16G), normalised to minutes and MiB. Every value ends up in a batch script, so each is
 * checked against a narrow pattern: no newline, quote or shell character can get through.
 */

/** Partition, account, QoS and GPU type names (a partition list is comma-separated). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(,[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,15}$/;
/** One extra sbatch option: `--name` or `--name=value`, value without whitespace, quotes or shell characters. */
const EXTRA = /^--[a-z][a-z0-9-]{0,63}(=[A-Za-z0-9._,:=/@%+\-[\]]{1,256})?$/;

/** Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S → whole minutes (seconds round up). */
export function parseSlurmTime(text: string): number {
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!match) throw new PmaError("slurm_time_invalid", `"${text}": expected a Slurm time such as 90, 1:30:00 or 2-00:00:00`);
  const [, days, a, b, c] = match;
  let seconds: number;
  if (days !== undefined) seconds = Number(days) * 86_400 + Number(a) * 3600 + Number(b ?? 0) * 60 + Number(c ?? 0);
  else if (c !== undefined) seconds = Number(a) * 3600 + Number(b) * 60 + Number(c);
  else if (b !== undefined) seconds = Number(a) * 60 + Number(b);
  else seconds = Number(a) * 60;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 1 || minutes > 366 * 24 * 60) throw new PmaError("slurm_time_invalid", `"${text}": between 1 minute and a year`);
  return minutes;
}

/** Minutes → `D-HH:MM:00` or `HH:MM:00`, the form sbatch and scontrol print. */
export function formatSlurmTime(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const hm = `${String(hours).padStart(2, "0")}:${String(rest).padStart(2, "0")}:00`;
  return days > 0 ? `${days}-${hm}` : hm;
}

/** `--mem` notation: a number of MiB, or with a K/M/G/T suffix → MiB (rounded up). */
export function parseMemory(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT])?B?$/i.exec(text.trim());
  if (!match) throw new PmaError("slurm_mem_invalid", `"${text}": expected memory such as 4096, 512M or 16G`);
  const factor = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[(match[2] ?? "M").toUpperCase() as "K" | "M" | "G" | "T"];
  const mib = Math.ceil(Number(match[1]) * factor);
  if (mib < 1 || mib > 1024 ** 3) throw new PmaError("slurm_mem_invalid", `"${text}": between 1M and 1P`);
  return mib;
}

/** MiB → `16G` when whole gibibytes, else `1536M`. */
export function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}G` : `${mib}M`;
}

const time = z.union([z.number().int().min(1).max(366 * 24 * 60), z.string().min(1).max(32)]).transform((value, context) => {
  if (typeof value === "number") return value;
  try {
    return parseSlurmTime(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const memory = z.union([z.number().int().min(1), z.string().min(1).max(32)]).transform((value, context) => {
  if (typeof value === "number") return value;
  try {
    return parseMemory(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

const name = (what: string) => z.string().regex(NAME, `a ${what} name (letters, digits, '.', '_', '-')`);

/** Settings as people write them (slurm.json, evaluators.json, CLI flags, the launcher's form). */
export const slurmSettingsSchema = z
  .object({
    partition: name("partition").optional(),
    account: name("account").optional(),
    qos: name("QoS").optional(),
    /** Minutes, or Slurm's notation ("4:00:00"). */
    time: time.optional(),
    cpus: z.number().int().min(1).max(4096).optional(),
    /** MiB, or "16G". */
    mem: memory.optional(),
    gpus: z.number().int().min(0).max(64).optional(),
    gpuType: name("GPU type").optional(),
    extra: z.array(z.string().regex(EXTRA, "an sbatch option such as --constraint=a100 (no spaces or quotes)")).max(32).optional(),
  })
  .strict();

export type SlurmSettingsInput = z.input<typeof slurmSettingsSchema>;

/** The written form → the stored form (minutes, MiB), dropping what is unset. */
export function toStoredSettings(parsed: z.output<typeof slurmSettingsSchema>): SlurmSettings {
  const stored: SlurmSettings = {
    partition: parsed.partition,
    account: parsed.account,
    qos: parsed.qos,
    timeMinutes: parsed.time,
    cpus: parsed.cpus,
    memMiB: parsed.mem,
    gpus: parsed.gpus,
    gpuType: parsed.gpuType,
    extra: parsed.extra,
  };
  return Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== undefined)) as SlurmSettings;
}

/** Validates settings from any source; errors name the field. */
export function parseSlurmSettings(input: unknown, source = "Slurm settings"): SlurmSettings {
  const parsed = slurmSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("slurm_settings_invalid", `${source}: ${issue.path.join(".") || "settings"}: ${issue.message}`);
  }
  return toStoredSettings(parsed.data);
}

/** Later layers win field by field; `extra` lines accumulate (duplicates dropped). */
export function layerSettings(...layers: (SlurmSettings | undefined)[]): SlurmSettings {
  const merged: SlurmSettings = {};
  const extra: string[] = [];
  for (const layer of layers) {
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (key === "extra") extra.push(...(value as string[]));
      else if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  if (extra.length > 0) merged.extra = [...new Set(extra)];
  return merged;
}

/** "partition gpu · 8 CPUs · 32G memory · 1 GPU · time limit 01:40:00": settings in a line (unset ones left out). */
export function describeSettings(settings: SlurmSettings): string {
  const parts: string[] = [];
  if (settings.partition) parts.push(`partition ${settings.partition}`);
  if (settings.account) parts.push(`account ${settings.account}`);
  if (settings.qos) parts.push(`QoS ${settings.qos}`);
  if (settings.cpus !== undefined) parts.push(`${settings.cpus} CPU${settings.cpus === 1 ? "" : "s"}`);
  if (settings.memMiB !== undefined) parts.push(`${formatMemory(settings.memMiB)} memory`);
  if (settings.gpus) parts.push(`${settings.gpus} ${settings.gpuType ? `${settings.gpuType} ` : ""}GPU${settings.gpus === 1 ? "" : "s"}`);
  if (settings.timeMinutes !== undefined) parts.push(`time limit ${formatSlurmTime(settings.timeMinutes)}`);
  for (const option of settings.extra ?? []) parts.push(option);
  return parts.join(" · ");
}

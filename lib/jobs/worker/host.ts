import { execFile } from "node:child_process";
import os from "node:os";
import type { GpuInfo } from "../../../db/schema";

export interface HostInfo {
  host: string;
  cpus: number;
  memory: number;
  gpus: GpuInfo[];
}

/** "0, NVIDIA H200, 143771 MiB" lines from `nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader`. */
export function parseNvidiaSmi(output: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of output.split("\n")) {
    const parts = line.split(",").map((part) => part.trim());
    if (parts.length < 3) continue;
    const index = Number(parts[0]);
    const memory = /^(\d+(?:\.\d+)?)\s*MiB$/i.exec(parts[parts.length - 1]);
    if (!Number.isInteger(index) || !memory) continue;
    gpus.push({ index, name: parts.slice(1, -1).join(", "), memory: Math.round(Number(memory[1]) * 1024 * 1024) });
  }
  return gpus;
}

/** GPUs through nvidia-smi when it is installed; none (not an error) when it is absent or fails. */
export function detectGpus(command = "nvidia-smi"): Promise<GpuInfo[]> {
  return new Promise((resolve) => {
    execFile(command, ["--query-gpu=index,name,memory.total", "--format=csv,noheader"], { timeout: 10_000 }, (error, stdout) => {
      resolve(error ? [] : parseNvidiaSmi(stdout));
    });
  });
}

export async function detectHost(): Promise<HostInfo> {
  return { host: os.hostname(), cpus: os.availableParallelism(), memory: os.totalmem(), gpus: await detectGpus() };
}

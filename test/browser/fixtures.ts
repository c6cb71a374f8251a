import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { writeCheckpoint } from "../helpers/checkpoint-fixtures";

/**
 * A small warmup–stable–decay run on disk: real safetensors checkpoints every `every` steps and a
 * train_log.jsonl whose loss falls smoothly and whose LR follows the schedule.
 */
export interface RunFixture {
  steps: number[];
  logFrom: number;
  logTo: number;
  schedule: { warmup: number; stable: number; decay: number };
  peakLr: number;
  /** Loss offset, so a branch's curve can sit below its parent's. */
  lossShift?: number;
  shards?: (step: number) => number;
}

export function lrAt(step: number, { schedule, peakLr }: Pick<RunFixture, "schedule" | "peakLr">): number {
  if (step <= schedule.warmup) return (peakLr * step) / schedule.warmup;
  if (step <= schedule.stable) return peakLr;
  const progress = Math.min(1, (step - schedule.stable) / (schedule.decay - schedule.stable));
  return peakLr * (1 - 0.9 * progress);
}

export function lossAt(step: number, shift = 0): number {
  // A power-law-ish curve with a little deterministic wiggle, like a real log.
  return 2.2 + 6 / Math.sqrt(1 + step / 20) + 0.03 * Math.sin(step / 7) - shift;
}

export async function writeRun(dir: string, fixture: RunFixture): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [index, step] of fixture.steps.entries()) {
    await writeCheckpoint(path.join(dir, `step-${step}`), { seed: step, shards: fixture.shards?.(step) ?? (index % 3 === 2 ? 2 : 1) });
  }
  const lines: string[] = [];
  for (let step = fixture.logFrom; step <= fixture.logTo; step += 5) {
    const decaying = step > fixture.schedule.stable ? (fixture.lossShift ?? 0) * ((step - fixture.schedule.stable) / 200) : 0;
    const loss = lossAt(step) - decaying;
    lines.push(JSON.stringify({ step, loss: Number(loss.toFixed(4)), lr: lrAt(step, fixture), grad_norm: 1 + 0.1 * Math.cos(step) }));
  }
  await writeFile(path.join(dir, "train_log.jsonl"), `${lines.join("\n")}\n`);
}

/** A checkpoint directory whose weights file is not safetensors at all: the scan must reject it with a reason. */
export async function writeBrokenCheckpoint(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "model.safetensors"), "this is not a safetensors file");
  await writeFile(path.join(dir, "config.json"), "{}\n");
}

import type { CheckpointPhase, DeclaredSchedule } from "../../db/schema";
import { PmaError } from "../errors";

/** Parses `warmup:W,stable:S[,decay:D]`: the steps at which warmup, the stable phase and the decay end. */
export function parseScheduleText(text: string): DeclaredSchedule {
  const parts = new Map<string, number>();
  for (const part of text.split(",")) {
    const [key, value, extra] = part.split(":").map((piece) => piece.trim());
    const step = Number(value);
    if (extra !== undefined || !["warmup", "stable", "decay"].includes(key) || !Number.isSafeInteger(step) || step < 0 || parts.has(key)) {
      throw new PmaError("schedule_invalid", `Invalid schedule "${text}": expected warmup:W,stable:S[,decay:D] with step counts`);
    }
    parts.set(key, step);
  }
  const warmupEnd = parts.get("warmup");
  const stableEnd = parts.get("stable");
  const decayEnd = parts.get("decay");
  if (warmupEnd === undefined || stableEnd === undefined) {
    throw new PmaError("schedule_invalid", `Invalid schedule "${text}": warmup and stable are required`);
  }
  if (stableEnd < warmupEnd || (decayEnd !== undefined && decayEnd < stableEnd)) {
    throw new PmaError("schedule_invalid", `Invalid schedule "${text}": phase ends must not decrease (warmup ≤ stable ≤ decay)`);
  }
  return decayEnd === undefined ? { warmupEnd, stableEnd } : { warmupEnd, stableEnd, decayEnd };
}

export function formatSchedule(schedule: DeclaredSchedule): string {
  const decay = schedule.decayEnd === undefined ? "" : `,decay:${schedule.decayEnd}`;
  return `warmup:${schedule.warmupEnd},stable:${schedule.stableEnd}${decay}`;
}

/** Phase of a step under a declared schedule: warmup below W, stable up to S, decay after. */
export function phaseFromSchedule(step: number, schedule: DeclaredSchedule): CheckpointPhase {
  if (step < schedule.warmupEnd) return "warmup";
  if (step <= schedule.stableEnd) return "stable";
  return "decay";
}

/**
 * Phase of a step read off a logged LR series (sorted by step): the stable phase is where the LR stays within
 * 1 % of its peak; before the first such step is warmup, after the last is decay.
 */
export function phaseFromLrLog(step: number, lrLog: { step: number; value: number }[]): CheckpointPhase | null {
  if (lrLog.length === 0) return null;
  const peak = Math.max(...lrLog.map((point) => point.value));
  if (!(peak > 0)) return null;
  const atPeak = lrLog.filter((point) => point.value >= 0.99 * peak);
  const firstPeakStep = atPeak[0].step;
  const lastPeakStep = atPeak[atPeak.length - 1].step;
  if (step < firstPeakStep) return "warmup";
  if (step <= lastPeakStep) return "stable";
  return "decay";
}

/** The logged value at the largest logged step ≤ `step` (LR logs are written after the step they describe). */
export function valueAtStep(log: { step: number; value: number }[], step: number): number | null {
  let found: number | null = null;
  for (const point of log) {
    if (point.step > step) break;
    found = point.value;
  }
  return found;
}

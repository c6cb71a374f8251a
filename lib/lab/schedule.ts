/**
 * Warmup–stable–decay (WSD) learning rates, as data. Steps are global and 1-based (step s applies the
 * s-th update), so a branch forked at step F keeps the main run's numbering and token counts.
 *   warmup: linear from 0 to `peak` over `warmupSteps` steps counted from `warmupFrom`
 *   stable: `peak`
 *   decay:  from `decayFrom` over `decaySteps` steps down to `minLr` (cosine or linear), then `minLr`
 */
export interface LrSchedule {
  peak: number;
  warmupSteps: number;
  /** Step before the first warmup step (0 for a run from scratch; the restart step for a restart). */
  warmupFrom: number;
  /** Step before the first decay step; null for a run that never decays. */
  decayFrom: number | null;
  decaySteps: number;
  minLr: number;
  shape: "cosine" | "linear";
  /**
   * A restart's re-warmup: the rate is scaled by (step − from) / steps until `steps` have passed, so a run
   * restarted with fresh AdamW moments eases back into its original schedule.
   */
  rewarm?: { from: number; steps: number };
}

export function constantSchedule(peak: number, warmupSteps: number, warmupFrom = 0): LrSchedule {
  return { peak, warmupSteps, warmupFrom, decayFrom: null, decaySteps: 0, minLr: peak, shape: "cosine" };
}

export function lrAt(schedule: LrSchedule, step: number): number {
  const base = baseLrAt(schedule, step);
  const rewarm = schedule.rewarm;
  if (!rewarm || rewarm.steps <= 0 || step - rewarm.from >= rewarm.steps) return base;
  return (base * Math.max(0, step - rewarm.from)) / rewarm.steps;
}

function baseLrAt(schedule: LrSchedule, step: number): number {
  const { peak, warmupSteps, warmupFrom, decayFrom, decaySteps, minLr } = schedule;
  if (decayFrom !== null && step > decayFrom) {
    const progress = Math.min(1, (step - decayFrom) / Math.max(1, decaySteps));
    const fraction = schedule.shape === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
    return minLr + (peak - minLr) * fraction;
  }
  const sinceWarmup = step - warmupFrom;
  if (warmupSteps > 0 && sinceWarmup < warmupSteps) return (peak * Math.max(0, sinceWarmup)) / warmupSteps;
  return peak;
}

/** The phase a step belongs to, as the registry names them. */
export function phaseAt(schedule: LrSchedule, step: number): "warmup" | "stable" | "decay" {
  if (schedule.decayFrom !== null && step > schedule.decayFrom) return "decay";
  if (step - schedule.warmupFrom < schedule.warmupSteps) return "warmup";
  return "stable";
}

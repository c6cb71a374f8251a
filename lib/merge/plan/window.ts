import { PmaError } from "../../errors";
import { MAX_WINDOW_SIZE } from "../weights";
import type { CellSpec, InfeasiblePlan, PlanOptions } from "./types";

/**
 * Default tolerance: 1% of V either side. Checkpoint writers save every k steps, so token counts drift from
 * round numbers by a fraction of a batch; 1% absorbs that (and a few skipped steps) while a stand-in stays
 * obviously the same point of the trajectory. It is far below V/2, so one checkpoint can never be the nearest
 * for two targets.
 */
export const DEFAULT_TOLERANCE_FRACTION = 0.01;

export interface WindowTarget {
  /** Tokens the window asks for. */
  target: number;
  /** How many intervals before T it lies: 0 for the newest input. */
  stepsBack: number;
}

/** Targets oldest first: T − (N−1)V, …, T − V, T (paper.md §2.6: the newest checkpoint sits at T). */
export function listWindowTargets(cell: CellSpec): WindowTarget[] {
  return Array.from({ length: cell.n }, (_, index) => {
    const stepsBack = cell.n - 1 - index;
    return { target: cell.point - stepsBack * cell.interval, stepsBack };
  });
}

/** A bad N, V or T makes the cell infeasible (a sweep preview shows it) rather than throwing. */
export function checkCellShape(cell: CellSpec): InfeasiblePlan | null {
  if (!Number.isInteger(cell.n) || cell.n < 1 || cell.n > MAX_WINDOW_SIZE) {
    return infeasible("plan_invalid_n", `window size N must be a whole number from 1 to ${MAX_WINDOW_SIZE}, got ${cell.n}`);
  }
  if (!Number.isFinite(cell.interval) || cell.interval <= 0) {
    return infeasible("plan_invalid_interval", `interval V must be a positive number of tokens, got ${cell.interval}`);
  }
  if (!Number.isFinite(cell.point) || cell.point < 0) {
    return infeasible("plan_invalid_point", `merge point T must be a non-negative number of tokens, got ${cell.point}`);
  }
  return null;
}

/** An explicit tolerance applies to every cell; a bad one is a configuration error, so it throws. */
export function resolveTolerance(cell: CellSpec, options: PlanOptions): number {
  const { tolerance } = options;
  if (tolerance === undefined) return DEFAULT_TOLERANCE_FRACTION * cell.interval;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new PmaError("plan_invalid_tolerance", `tolerance must be a non-negative number of tokens, got ${tolerance}`);
  }
  return tolerance;
}

function infeasible(code: string, reason: string): InfeasiblePlan {
  return { feasible: false, code, reason };
}

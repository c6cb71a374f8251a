import type { SchemeSpec } from "../weights";

/** The few fields of a checkpoint row that planning needs; rows are read elsewhere (no DB access here). */
export interface PlanCheckpoint {
  id: number;
  step: number;
  /** Cumulative training tokens consumed when the checkpoint was written. */
  tokens: number;
  /** Content hash or fingerprint: what a recipe hash is built from, so a re-registered file keeps its identity. */
  identity: string;
  /** Tensor dtypes the checkpoint stores (e.g. ["BF16", "F32"]); empty when not yet read. */
  dtypes: string[];
  /** "missing": recorded, but its files are gone; it can never stand in for a target. Absent means present. */
  status?: "present" | "missing";
}

/** One cell of a sweep: merge N checkpoints spaced V tokens apart, the newest at merge point T. */
export interface CellSpec {
  scheme: SchemeSpec;
  n: number;
  /** V, in tokens (convert steps with `stepsToTokens`). */
  interval: number;
  /** T, the merge point, in tokens. */
  point: number;
}

export interface PlanOptions {
  /**
   * How far (tokens, either side) a checkpoint may sit from its target and still stand in for it. Defaults to
   * DEFAULT_TOLERANCE_FRACTION × V for each cell; 0 demands exact token counts.
   */
  tolerance?: number;
}

export interface PlannedInput {
  checkpointId: number;
  identity: string;
  /** The token count the window asked for: T − (N − i)·V. */
  target: number;
  /** The token count of the checkpoint that stands in for it. */
  tokens: number;
  /** tokens − target: positive when the checkpoint is later than asked. */
  offBy: number;
  weight: number;
}

export interface FeasiblePlan {
  feasible: true;
  /** Oldest first, aligned with `weights`. */
  inputs: PlannedInput[];
  weights: number[];
  /** Plain-language notes on stand-ins, e.g. "#12 at 12.04M stands in for T − 3V = 12M (+40K)". */
  notes: string[];
}

export interface InfeasiblePlan {
  feasible: false;
  /** A sentence a user can act on. */
  reason: string;
  /** Stable machine-readable code (plan_* or the weight scheme's weights_* code). */
  code: string;
  /** Targets (tokens) no checkpoint could fill, oldest first; negative ones lie before training started. */
  missingTargets?: number[];
}

export type CellPlan = FeasiblePlan | InfeasiblePlan;

import { PmaError } from "../errors";
import { formatTokens } from "../merge/plan/tokens";
import { computeWeights, formatSchemeLabel, type SchemeSpec } from "../merge/weights";

/**
 * Which checkpoints a PMA-init merges (pure, also used by the run page to show the choice before it is made).
 * The paper restarted its destabilised run from the average of the three checkpoints saved before the collapse
 * (paper.md §4.10) and settled on SMA (§4.5): k = 3 and SMA are the defaults. The k checkpoints are the run's
 * last present ones before the anchor, whatever their spacing:
 * - a spike: strictly before its first step (the detector's start already predates the evidence);
 * - a point: at or before that many tokens (pick a checkpoint's own token count to end the window on it).
 */
export const DEFAULT_INIT_K = 3;
export const DEFAULT_INIT_SCHEME: SchemeSpec = { scheme: "sma" };
/** A PMA-init averages a handful of checkpoints; more is a sweep's job. */
export const MAX_INIT_K = 64;

export interface InitCandidate {
  id: number;
  step: number;
  tokens: number | null;
  status?: string;
}

export type InitAnchor = { kind: "spike"; startStep: number; startTokens: number | null } | { kind: "point"; tokens: number };

export interface InitSelection {
  /** Oldest first, with their weights. */
  inputs: { checkpointId: number; step: number; tokens: number | null; weight: number }[];
  label: string;
  /** Plain-language remarks, e.g. uneven spacing. */
  notes: string[];
}

export function describeAnchor(anchor: InitAnchor): string {
  return anchor.kind === "spike"
    ? `the spike starting at step ${anchor.startStep}${anchor.startTokens === null ? "" : ` (${formatTokens(anchor.startTokens)} tokens)`}`
    : `${formatTokens(anchor.tokens)} tokens`;
}

export function selectInitCheckpoints(candidates: InitCandidate[], anchor: InitAnchor, k: number, scheme: SchemeSpec): InitSelection {
  if (!Number.isInteger(k) || k < 1 || k > MAX_INIT_K) throw new PmaError("init_k_invalid", `k must be a whole number from 1 to ${MAX_INIT_K}, got ${k}`);
  const before = candidates
    .filter((c) => c.status !== "missing")
    .filter((c) => (anchor.kind === "spike" ? c.step < anchor.startStep : c.tokens !== null && c.tokens <= anchor.tokens))
    .sort((a, b) => a.step - b.step);
  if (before.length < k) {
    const where = anchor.kind === "spike" ? `before ${describeAnchor(anchor)}` : `at or before ${describeAnchor(anchor)}`;
    throw new PmaError(
      "init_too_few_checkpoints",
      `${before.length === 0 ? "no" : `only ${before.length}`} checkpoint${before.length === 1 ? "" : "s"} ${where}; a PMA-init of k = ${k} needs ${k}${before.length > 0 ? `, so lower k to ${before.length} or pick a later point` : ""}`,
    );
  }
  const chosen = before.slice(-k);
  const weights = computeWeights(scheme, k);
  return {
    inputs: chosen.map((c, i) => ({ checkpointId: c.id, step: c.step, tokens: c.tokens, weight: weights[i] })),
    label: `${formatSchemeLabel(scheme)} of steps ${chosen.map((c) => c.step).join(", ")} (k=${k})`,
    notes: describeSpacing(chosen),
  };
}

/** Uneven gaps are fine for a restart but worth saying: the paper's checkpoints were equally spaced. */
function describeSpacing(chosen: InitCandidate[]): string[] {
  const gaps = chosen.slice(1).map((c, i) => c.step - chosen[i].step);
  if (new Set(gaps).size <= 1) return [];
  return [`the checkpoints are not evenly spaced (gaps of ${gaps.join(", ")} steps)`];
}

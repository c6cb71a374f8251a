import { PmaError } from "../../errors";

/** Converts an interval or point given in optimizer steps to tokens, which is what windows are measured in. */
export function stepsToTokens(steps: number, tokensPerStep: number | null | undefined): number {
  if (tokensPerStep === null || tokensPerStep === undefined) {
    throw new PmaError(
      "plan_tokens_per_step_unknown",
      "cannot convert steps to tokens: this run's tokens per step is unknown; give the value in tokens or record tokens per step for the run",
    );
  }
  if (!Number.isFinite(tokensPerStep) || tokensPerStep <= 0) {
    throw new PmaError("plan_invalid_tokens_per_step", `tokens per step must be a positive number, got ${tokensPerStep}`);
  }
  if (!Number.isFinite(steps) || steps < 0) {
    throw new PmaError("plan_invalid_steps", `steps must be a non-negative number, got ${steps}`);
  }
  return steps * tokensPerStep;
}

const UNITS: [number, string][] = [
  [1e12, "T"],
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "K"],
];

/**
 * "12M", "12.04M", "−20B". Up to three decimals, so a stand-in 40K away from a 12M target still reads
 * differently (12.04M); the minus is U+2212 so negative token counts read as prose, not as a hyphen.
 */
export function formatTokens(tokens: number): string {
  if (!Number.isFinite(tokens)) return String(tokens);
  const sign = tokens < 0 ? "−" : "";
  const abs = Math.abs(tokens);
  for (const [size, suffix] of UNITS) {
    if (abs >= size) return `${sign}${trimDecimals(abs / size)}${suffix}`;
  }
  return `${sign}${trimDecimals(abs)}`;
}

/** "+40K", "−1.2M", "exact". */
export function formatOffset(offBy: number): string {
  if (offBy === 0) return "exact";
  return offBy > 0 ? `+${formatTokens(offBy)}` : formatTokens(offBy);
}

function trimDecimals(value: number): string {
  // Only zeros after a decimal point go: "100.000" → "100", never "1".
  return value.toFixed(3).replace(/\.?0+$/, "");
}

/** "T", "T − V", "T − 3V": how a target relates to the merge point, for messages. */
export function formatTargetLabel(stepsBack: number): string {
  if (stepsBack === 0) return "T";
  return stepsBack === 1 ? "T − V" : `T − ${stepsBack}V`;
}

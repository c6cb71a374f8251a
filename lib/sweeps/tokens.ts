import { PmaError } from "../errors";
import { stepsToTokens } from "../merge/plan";

const SUFFIXES: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };

/**
 * One token count as people write it: `4096`, `1.2M`, `4B`, `500k`, `2e9`, `1_000_000`; or `2000steps`
 * (converted with the run's tokens per step). Suffixes are decimal (K = 10³, M = 10⁶, B = G = 10⁹, T = 10¹²).
 * The result must be a whole number of tokens: `1.2345K` is refused, not rounded.
 */
export function parseTokenCount(text: string, tokensPerStep?: number | null): number {
  const trimmed = text.trim().replaceAll("_", "");
  const match = /^(\d+(?:\.\d*)?|\.\d+)(e\d+)?\s*(k|m|b|g|t|steps?|)$/i.exec(trimmed);
  if (!match) {
    throw new PmaError("tokens_invalid", `"${text}" is not a token count; write e.g. 4096, 1.2M, 4B, 2e9 or 2000steps`);
  }
  const number = Number(`${match[1]}${match[2] ?? ""}`);
  const unit = match[3].toLowerCase();
  const value = unit.startsWith("step") ? stepsToTokens(number, tokensPerStep) : number * SUFFIXES[unit];
  // Decimal suffixes are applied to a decimal string, so 1.2M must land on an integer up to float noise.
  const rounded = Math.round(value);
  if (!Number.isFinite(value) || Math.abs(value - rounded) > 1e-6 * Math.max(1, Math.abs(value))) {
    throw new PmaError("tokens_invalid", `"${text}" is ${value} tokens, not a whole number`);
  }
  if (!Number.isSafeInteger(rounded)) throw new PmaError("tokens_invalid", `"${text}" is too large`);
  return rounded;
}

/** A comma-separated list ("1.2M,2.4M"); errors name the item. Duplicates are dropped, order is kept. */
export function parseTokenList(text: string, tokensPerStep?: number | null): number[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.every((item) => item === "")) throw new PmaError("tokens_invalid", "the list is empty");
  const values = items.map((item, index) => {
    try {
      return parseTokenCount(item, tokensPerStep);
    } catch (error) {
      if (error instanceof PmaError) throw new PmaError(error.code, `item ${index + 1} of "${text}": ${error.message}`);
      throw error;
    }
  });
  return [...new Set(values)];
}

/** Window sizes: positive integers, comma-separated. */
export function parseIntegerList(text: string, what: string): number[] {
  const items = text.split(",").map((item) => item.trim());
  const values = items.map((item) => {
    if (!/^\d+$/.test(item) || Number(item) < 1) throw new PmaError("invalid_arguments", `${what}: "${item}" is not a positive whole number`);
    return Number(item);
  });
  return [...new Set(values)];
}

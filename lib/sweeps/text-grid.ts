import { parseSchemeList } from "../merge/weights";
import type { SweepRequest } from "./request";
import { parseIntegerList, parseTokenCount, parseTokenList } from "./tokens";

/** A grid as people type it, in the CLI flags or the launch form: "4M,8M", "3,6", "1M", "sma,ema:0.1". */
export interface GridText {
  points: string;
  n: string;
  interval: string;
  schemes: string;
  tolerance?: string;
  chunk?: string;
}

/** Parses the texts (steps converted with the run's tokens per step); errors name the field and the item. */
export function parseGridText(text: GridText, tokensPerStep: number | null): Pick<SweepRequest, "points" | "ns" | "intervals" | "schemes" | "tolerance" | "chunkSize"> {
  const tolerance = text.tolerance?.trim();
  const chunk = text.chunk?.trim();
  return {
    points: parseTokenList(text.points, tokensPerStep),
    ns: parseIntegerList(text.n, "N"),
    intervals: parseTokenList(text.interval, tokensPerStep),
    schemes: parseSchemeList(text.schemes),
    ...(tolerance ? { tolerance: parseTokenCount(tolerance, tokensPerStep) } : {}),
    ...(chunk ? { chunkSize: parseIntegerList(chunk, "outputs per pass")[0] } : {}),
  };
}

import { isPmaError, PmaError } from "../../errors";
import { weightSchemes } from "./registry";
import { SCHEME_LIST_INVALID, throwListError } from "./scheme";
import type { SchemeSpec } from "./spec";

const GRAMMAR = "sma, wma, ema:<α>[:recursive|closed] or custom:<w1>/<w2>/…[:raw]";

/**
 * Parses a CLI list such as `sma,wma,ema:0.1,ema:0.2:closed`. EMA defaults to the recursive form (the paper's
 * Eq. 4); custom vectors are normalised unless `:raw` follows. Errors name the offending item and its position.
 */
export function parseSchemeList(text: string): SchemeSpec[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.length === 1 && items[0] === "") throwListError(`no weighting schemes given; expected ${GRAMMAR}`);
  return items.map((item, index) => {
    const where = `item ${index + 1} "${item}" of "${text}"`;
    try {
      return parseSchemeToken(item);
    } catch (error) {
      if (!isPmaError(error)) throw error;
      throw new PmaError(error.code, `${error.message} (${where})`, { details: { item, index }, cause: error });
    }
  });
}

function parseSchemeToken(item: string): SchemeSpec {
  if (item === "") throwListError(`empty item; expected ${GRAMMAR}`);
  const [name, ...args] = item.split(":").map((part) => part.trim());
  const key = name.toLowerCase();
  if (!Object.hasOwn(weightSchemes, key)) {
    throw new PmaError(SCHEME_LIST_INVALID, `unknown weighting scheme "${name}"; expected ${GRAMMAR}`);
  }
  return weightSchemes[key as keyof typeof weightSchemes].parseArgs(args);
}

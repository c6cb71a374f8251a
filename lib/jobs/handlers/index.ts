import type { JobKind } from "../kinds";
import type { JobHandler } from "../worker/context";
import { mergeHandler } from "./merge";
import { noopHandler } from "./noop";

/**
 * The handlers this build can run, one line per kind. A kind missing here (evaluate, until the evaluators land)
 * is never claimed by a worker.
 */
export const jobHandlers: Partial<Record<JobKind, JobHandler<never>>> = {
  merge: mergeHandler,
  "sweep-pass": mergeHandler,
  noop: noopHandler,
};

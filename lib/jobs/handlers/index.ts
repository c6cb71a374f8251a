import type { JobKind } from "../kinds";
import type { JobHandler } from "../worker/context";
import { createEvaluateHandler } from "../../eval/job";
import { loadEvaluators } from "../../eval/registry";
import { getConfig } from "../../env";
import { getDb } from "../../../db";
import { createLabTrainHandler } from "./lab-train";
import { mergeHandler } from "./merge";
import { noopHandler } from "./noop";
import { pmaInitHandler } from "./pma-init";

/**
 * The handlers this build can run, one line per kind. A kind missing here (evaluate, until the evaluators land)
 * is never claimed by a worker.
 */
export const jobHandlers: Partial<Record<JobKind, JobHandler<never>>> = {
  merge: mergeHandler,
  "sweep-pass": mergeHandler,
  "pma-init": pmaInitHandler,
  noop: noopHandler,
  // The worker's own evaluators config (re-read per job): the server names an evaluator, never sends a command.
  evaluate: createEvaluateHandler({ loadRegistry: () => loadEvaluators(getConfig().dataDir) }),
  // Local-only: registers runs on the server's database as checkpoints appear (remote workers never claim it).
  "lab-train": createLabTrainHandler({ db: getDb, config: getConfig }),
};

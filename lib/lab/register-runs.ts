import type { Db } from "../../db/client";
import { registerCheckpoints } from "../checkpoints/register";
import type { Config } from "../env";
import { describeError } from "../errors";
import { recordInitRecipe } from "../init/record";
import { registrationRequest, type LabPlan, type LabRun } from "./runs";
import { listCompleteCheckpoints } from "./train";

export interface LabRegistrar {
  /** Registers (rescans) a run soon; never throws — a failure is logged and retried by `finish`. */
  register(lab: LabPlan, run: LabRun): void;
  /** Waits for pending registrations, then rescans every run with checkpoints, parents first; throws on failure. */
  finish(lab: LabPlan): Promise<string[]>;
}

/**
 * Registers the lab's runs as their checkpoints are written, so the UI shows them live. Registrations run one at
 * a time (a branch needs its parent registered first, and the parent's fork checkpoint always comes first); a run
 * asked for again while its rescan is queued is rescanned once, not once per checkpoint.
 */
/**
 * The registration of one lab run; the PMA-init restart also records the recipe of the pre-spike average it
 * started from, so its run page shows "initialised from SMA of lab-…/unstable steps …".
 */
export function labRegistrationRequest(db: Db, lab: LabPlan, run: LabRun) {
  const request = registrationRequest(lab, run);
  const init = run.plan.init;
  if (run.kind !== "pma-init" || init.kind !== "average") return request;
  const hash = recordInitRecipe(db, init.dirs.map((dir, i) => ({ dir, weight: init.weights[i] })), { scheme: "sma" });
  return hash ? { ...request, initFrom: hash } : request;
}

export function createLabRegistrar(db: Db, config: Config, log: (line: string) => void): LabRegistrar {
  let chain: Promise<void> = Promise.resolve();
  const queued = new Set<string>();
  const registerNow = (lab: LabPlan, run: LabRun) => registerCheckpoints(db, config, labRegistrationRequest(db, lab, run));
  return {
    register(lab, run) {
      if (queued.has(run.name)) return;
      queued.add(run.name);
      chain = chain.then(async () => {
        queued.delete(run.name);
        try {
          const result = await registerNow(lab, run);
          if (result.added > 0) log(`registered ${result.run}: ${result.checkpoints.length} checkpoint(s)`);
        } catch (error) {
          log(`registering ${run.name} failed (retried at the end): ${describeError(error)}`);
        }
      });
    },
    async finish(lab) {
      await chain;
      const names: string[] = [];
      for (const run of lab.runs) {
        if ((await listCompleteCheckpoints(run.plan.dir).catch(() => [])).length === 0) continue;
        names.push((await registerNow(lab, run)).run);
      }
      return names;
    },
  };
}

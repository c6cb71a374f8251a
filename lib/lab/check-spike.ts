import type { CheckContext } from "./check-context";
import { readRunLog } from "./lab-files";
import { detectSpike, type Spike } from "./runs";

/**
 * Spike recovery, reported (not asserted): the unstable run's spike, and how each restart from before it
 * fared — its held-out loss at the start and end, and the worst training loss it logged.
 */
export interface RestartOutcome {
  run: string;
  startLoss: number;
  endLoss: number;
  /** Highest logged training loss after the restart. */
  worstTrainLoss: number;
  /** Step of a second spike (same detector as the first), or null. */
  respikedAt: number | null;
}

export interface SpikeReport {
  spike: Spike;
  window: number[];
  unstableEndTrainLoss: number;
  pmaInit: RestartOutcome | null;
  rollback: RestartOutcome | null;
}

export async function spikeReport(ctx: CheckContext): Promise<SpikeReport | null> {
  if (!ctx.restarts) return null;
  const { spike, window } = ctx.restarts;
  const unstableLog = await readRunLog(ctx.lab.runs.find((r) => r.kind === "unstable")!.plan.dir);
  const outcome = async (kind: "pma-init" | "rollback"): Promise<RestartOutcome | null> => {
    const run = ctx.lab.runs.find((r) => r.kind === kind);
    const steps = run ? ctx.checkpoints.get(run.name) ?? [] : [];
    if (!run || steps.length === 0) return null;
    const startLoss = kind === "pma-init" ? await ctx.loss("unstable", window) : await ctx.loss("unstable", [window[window.length - 1]]);
    const log = await readRunLog(run.plan.dir);
    const worstTrainLoss = Math.max(...log.map((p) => p.loss));
    return {
      run: run.name,
      startLoss,
      endLoss: await ctx.loss(run.name, [steps[steps.length - 1]]),
      worstTrainLoss,
      respikedAt: detectSpike(log)?.step ?? null,
    };
  };
  return {
    spike,
    window,
    unstableEndTrainLoss: unstableLog[unstableLog.length - 1]?.loss ?? Number.NaN,
    pmaInit: await outcome("pma-init"),
    rollback: await outcome("rollback"),
  };
}

import type { Run } from "../../../db/schema";
import { restartWindow, type RestartWindow } from "../../analysis";
import { formatSchemeLabel } from "../../merge/weights";
import type { ReportDataset, Score } from "../dataset";
import { isRestartRun } from "../snapshot";
import { comparePaired, mean, type Comparison } from "../stats";

/**
 * PMA-init and spike recovery: runs restarted from before a loss spike of their parent, from a merge of the last k
 * checkpoints (PMA-init) or from the latest one alone (rollback), read from the training logs. Pure.
 */
export interface LossPoint {
  step: number;
  value: number;
}

export interface Spike {
  step: number;
  /** Best smoothed loss before the rise. */
  baseline: number;
  peak: number;
}

/**
 * The first point where the moving mean of `window` logged losses rises `threshold` above its best so far (or the
 * loss stops being finite) — the same rule the reference lab uses to plan its restarts.
 */
export const SPIKE_THRESHOLD = 0.2;

export function findSpike(log: LossPoint[], threshold = SPIKE_THRESHOLD, window = 10): Spike | null {
  let best = Infinity;
  let sum = 0;
  const recent: number[] = [];
  for (const [i, point] of log.entries()) {
    if (!Number.isFinite(point.value)) return { step: point.step, baseline: best, peak: point.value };
    recent.push(point.value);
    sum += point.value;
    if (recent.length > window) sum -= recent.shift()!;
    if (recent.length < window) continue;
    const smooth = sum / window;
    if (smooth > best + threshold) {
      const start = i - window + 1;
      return { step: log[start].step, baseline: best, peak: Math.max(...log.slice(start).map((p) => p.value)) };
    }
    best = Math.min(best, smooth);
  }
  return null;
}

export interface RestartOutcome {
  run: string;
  kind: string;
  /** How it was initialised, in words. */
  init: string;
  fromStep: number | null;
  log: LossPoint[];
  /** Mean training loss over the last tenth of its log (at least one point). */
  finalLoss: number | null;
  worstLoss: number | null;
  respike: Spike | null;
  /** The report metric on its last checkpoint, when scored. */
  lastScore: { step: number; score: Score } | null;
}

export interface RestartGroup {
  parent: string;
  parentLog: LossPoint[];
  spike: Spike | null;
  /** The parent's mean loss over its own last tenth. */
  parentFinal: number | null;
  restarts: RestartOutcome[];
  /** PMA-init − rollback training loss at the steps both logged in the second half of their runs. */
  pmaVsRollback: Comparison | null;
  /** lib/analysis' window around the fork (x in tokens), for the figure. */
  window: RestartWindow | null;
  /** Tokens at the spike, where the log places it. */
  spikeTokens: number | null;
  /** The original run came back within the spike threshold of its pre-spike level on its own. */
  recoveredAlone: boolean;
}

export function analyseRestarts(data: ReportDataset, scoreOf: (checkpointId: number) => Score | null): RestartGroup[] {
  const { runs, checkpoints, recipes, logs } = data.snapshot;
  const restartRuns = runs.filter((r) => isRestartRun(r) && r.parentRunId !== null);
  const parents = [...new Set(restartRuns.map((r) => r.parentRunId!))].sort((a, b) => a - b);
  return parents.flatMap((parentId) => {
    const parent = runs.find((r) => r.id === parentId);
    if (!parent) return [];
    const parentLog = lossLog(logs[parentId]);
    const stepOf = (checkpointId: number) => checkpoints.find((c) => c.id === checkpointId)?.step ?? null;
    const restarts = restartRuns
      .filter((r) => r.parentRunId === parentId)
      .map((run): RestartOutcome => {
        const log = lossLog(logs[run.id]);
        const own = checkpoints.filter((c) => c.runId === run.id).sort((a, b) => a.step - b.step);
        const last = [...own].reverse().find((c) => scoreOf(c.id));
        const recipe = run.initRecipeHash ? recipes.find((r) => r.hash === run.initRecipeHash) : undefined;
        return {
          run: run.name,
          kind: run.kind ?? "restart",
          init: describeInit(run, recipe?.recipe, stepOf),
          fromStep: log[0]?.step ?? own[0]?.step ?? null,
          log,
          finalLoss: tailMean(log),
          worstLoss: log.length ? Math.max(...log.map((p) => p.value)) : null,
          respike: findSpike(log),
          lastScore: last ? { step: last.step, score: scoreOf(last.id)! } : null,
        };
      });
    const pma = restarts.find((r) => r.kind === "pma-init");
    const rollback = restarts.find((r) => r.kind === "rollback");
    const logged = (run: Run) => ({ name: run.name, tokensPerStep: run.tokensPerStep ?? parent.tokensPerStep, logs: logs[run.id] ?? {} });
    const children = restartRuns.filter((r) => r.parentRunId === parentId);
    const window = restartWindow(logged(parent), children.map((run) => ({ ...logged(run), kind: run.kind, forkTokens: run.forkTokens, init: null })), ["loss", "grad_norm"]);
    const spike = findSpike(parentLog);
    const at = spike ? logs[parentId]?.loss?.find((p) => p.step === spike.step) : undefined;
    const spikeTokens = spike ? (at?.tokens ?? (parent.tokensPerStep ? spike.step * parent.tokensPerStep : null)) : null;
    const parentFinal = tailMean(parentLog);
    const recoveredAlone = spike !== null && parentFinal !== null && parentFinal <= spike.baseline + SPIKE_THRESHOLD;
    return [{ parent: parent.name, parentLog, spike, parentFinal, restarts, pmaVsRollback: pma && rollback ? compareLogs(pma.log, rollback.log) : null, window, spikeTokens, recoveredAlone }];
  });
}

function lossLog(series: Record<string, { step: number; value: number }[]> | undefined): LossPoint[] {
  return (series?.loss ?? []).map((p) => ({ step: p.step, value: p.value }));
}

function tailMean(log: LossPoint[]): number | null {
  if (log.length === 0) return null;
  const finite = log.slice(-Math.max(1, Math.ceil(log.length / 10))).map((p) => p.value);
  return mean(finite);
}

/** Paired by step over the second half of the steps both runs logged. */
function compareLogs(a: LossPoint[], b: LossPoint[]): Comparison | null {
  const bByStep = new Map(b.map((p) => [p.step, p.value]));
  const common = a.filter((p) => bByStep.has(p.step) && Number.isFinite(p.value) && Number.isFinite(bByStep.get(p.step)!));
  const second = common.slice(Math.floor(common.length / 2));
  return second.length === 0 ? null : comparePaired(second.map((p) => ({ diff: p.value - bByStep.get(p.step)!, se: null })));
}

function describeInit(run: Run, recipe: { inputs: { checkpointId: number; weight: number }[]; scheme: Parameters<typeof formatSchemeLabel>[0] } | undefined, stepOf: (id: number) => number | null): string {
  if (recipe) {
    const inputs = recipe.inputs.map((i) => `step ${stepOf(i.checkpointId) ?? `#${i.checkpointId}`} × ${Number(i.weight.toPrecision(3))}`).join(", ");
    return `a ${formatSchemeLabel(recipe.scheme)} merge of ${recipe.inputs.length} checkpoint(s): ${inputs}`;
  }
  if (run.kind === "rollback") return "the parent's latest checkpoint before the spike, alone";
  if (run.kind === "pma-init") return "a merge of the parent's last checkpoints before the spike (the recipe is not recorded)";
  return "a checkpoint of the parent";
}

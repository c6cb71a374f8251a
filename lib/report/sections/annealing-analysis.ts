import type { BranchSeries, DatasetSweep, Score } from "../dataset";
import type { Setting } from "../gains";
import { gainOf } from "../gains";
import { kendall, meanInterval, spearman, type MeanInterval, type PairedDifference } from "../stats";
import type { SectionContext } from "./context";

/**
 * Merging as a predictor of annealing. Two readings:
 * - at equal tokens: at a merge point T where an annealed branch has a checkpoint, the merge of the constant-LR
 *   run at T against that annealed checkpoint (and the latest checkpoint at T);
 * - as a forecast: the merge at a branch's fork point F against the branch's final (annealed) score — the cheap
 *   preview the paper proposes instead of running a decay. Error = merged − annealed in the metric's units; rank
 *   agreement across branches by Spearman's ρ and Kendall's τ, with the latest checkpoint at F as the naive baseline.
 */
export interface EqualTokensRow {
  point: number;
  branch: string;
  latest: Score;
  merged: Score;
  annealed: Score;
  /** Signed so that positive means the merge is better than the annealed model. */
  mergedVsAnnealed: PairedDifference;
  /** (latest − merged) / (latest − annealed) in the better direction: share of annealing's gain the merge recovers. */
  gapClosed: number | null;
  /** The two gains over the latest checkpoint behind gapClosed. */
  recovered: number;
  possible: number;
}

export function equalTokens(ctx: SectionContext, sweep: DatasetSweep, setting: Setting): EqualTokensRow[] {
  const rows: EqualTokensRow[] = [];
  for (const point of sweep.points) {
    const cell = cellAt(sweep, setting, point.point);
    if (!cell?.score || !point.latest?.score) continue;
    for (const annealed of point.annealed) {
      if (!annealed.score) continue;
      const recovered = gainOf(cell.score, point.latest.score, ctx.direction).diff;
      const possible = gainOf(annealed.score, point.latest.score, ctx.direction).diff;
      rows.push({
        point: point.point,
        branch: annealed.run,
        latest: point.latest.score,
        merged: cell.score,
        annealed: annealed.score,
        mergedVsAnnealed: gainOf(cell.score, annealed.score, ctx.direction),
        gapClosed: possible > 0 ? recovered / possible : null,
        recovered,
        possible,
      });
    }
  }
  return rows;
}

export interface PredictionRow {
  branch: string;
  fork: number;
  end: { step: number; tokens: number };
  merged: Score;
  latest: Score | null;
  annealed: Score;
  /** merged − annealed, in the metric's units. */
  error: number;
}

export interface Prediction {
  setting: Setting;
  rows: PredictionRow[];
  mae: number;
  signed: MeanInterval;
  spearman: number;
  kendall: number;
  /** The latest checkpoint at F as the predictor, over the rows that have one. */
  naive: { rows: number; mae: number; spearman: number; kendall: number };
  /** Branches left out, and why. */
  skipped: { branch: string; reason: string }[];
}

export function branchesOf(ctx: SectionContext, sweep: DatasetSweep): BranchSeries[] {
  return ctx.data.branches.filter((b) => b.run.parent === sweep.run.name && b.run.forkTokens !== null);
}

export function predictionFor(ctx: SectionContext, sweep: DatasetSweep, setting: Setting): Prediction | null {
  const branches = branchesOf(ctx, sweep);
  if (branches.length === 0) return null;
  const rows: PredictionRow[] = [];
  const skipped: Prediction["skipped"] = [];
  for (const branch of branches) {
    const fork = branch.run.forkTokens!;
    const cell = cellAt(sweep, setting, fork);
    const endScore = branch.end ? branch.scores.find((s) => s.tokens === branch.end!.tokens) : undefined;
    if (!branch.end || !endScore) {
      skipped.push({ branch: branch.run.name, reason: branch.end ? "its final checkpoint is not scored" : "it has no checkpoints" });
      continue;
    }
    if (!cell?.score) {
      skipped.push({ branch: branch.run.name, reason: cell ? "the merge at its fork point is not scored" : "its fork point is not a merge point of the sweep for this setting" });
      continue;
    }
    const point = sweep.points.find((p) => p.point === fork);
    rows.push({ branch: branch.run.name, fork, end: branch.end, merged: cell.score, latest: point?.latest?.score ?? null, annealed: endScore.score, error: cell.score.value - endScore.score.value });
  }
  const merged = rows.map((r) => r.merged.value);
  const annealed = rows.map((r) => r.annealed.value);
  const withLatest = rows.filter((r) => r.latest);
  return {
    setting,
    rows,
    mae: meanAbs(rows.map((r) => r.error)),
    signed: meanInterval(rows.map((r) => r.error)),
    spearman: spearman(merged, annealed),
    kendall: kendall(merged, annealed),
    naive: {
      rows: withLatest.length,
      mae: meanAbs(withLatest.map((r) => r.latest!.value - r.annealed.value)),
      spearman: spearman(withLatest.map((r) => r.latest!.value), withLatest.map((r) => r.annealed.value)),
      kendall: kendall(withLatest.map((r) => r.latest!.value), withLatest.map((r) => r.annealed.value)),
    },
    skipped,
  };
}

function cellAt(sweep: DatasetSweep, setting: Setting, point: number) {
  return sweep.cells.find((c) => c.point === point && c.scheme === setting.scheme && c.n === setting.n && c.interval === setting.interval);
}

function meanAbs(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + Math.abs(v), 0) / values.length;
}

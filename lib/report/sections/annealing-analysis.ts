import { annealingPrediction, type Prediction, type RunScores } from "../../analysis";
import type { DatasetSweep, Score } from "../dataset";
import { gainOf, type Setting } from "../gains";
import { meanInterval, type MeanInterval, type PairedDifference } from "../stats";
import type { SectionContext } from "./context";

/**
 * Merging as a predictor of annealing. Two readings:
 * - at equal tokens: at a merge point T where an annealed branch has a checkpoint, the merge of the constant-LR
 *   run at T against that annealed checkpoint (and the latest checkpoint at T);
 * - as a forecast: the merge at a branch's fork point F against the branch's final (annealed) score — the cheap
 *   preview the paper proposes instead of running a decay; lib/analysis computes it (error = merged − annealed,
 *   Spearman's ρ and Kendall's τ-b, the latest checkpoint at F as the naive predictor).
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

/** The analysis' annealing prediction for one setting, with an interval on its mean signed error. */
export interface ReportPrediction {
  setting: Setting;
  result: Prediction;
  /** merged − annealed over the compared forks. */
  signed: MeanInterval;
}

export function branchesOf(sweep: DatasetSweep): RunScores["annealed"] {
  return sweep.scores.annealed;
}

export function predictionFor(ctx: SectionContext, sweep: DatasetSweep, setting: Setting): ReportPrediction | null {
  if (branchesOf(sweep).length === 0) return null;
  const result = annealingPrediction(sweep.scores, ctx.metric.name, setting.config);
  return { setting, result, signed: meanInterval(result.rows.map((r) => r.error)) };
}

function cellAt(sweep: DatasetSweep, setting: Setting, point: number) {
  return sweep.cells.find((c) => c.point === point && c.schemeToken === setting.config.scheme && c.n === setting.config.n && c.interval === setting.config.interval);
}

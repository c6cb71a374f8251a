import { STAGES, type DatasetSweep } from "../dataset";
import type { Conclusion, Figure, Section, Table } from "../document";
import { settingLabel, stageRange } from "../gains";
import { meanInterval } from "../stats";
import * as w from "../words";
import { scoreVsTokens } from "../../analysis";
import { runTitle, type SectionContext, type SettingsRanking } from "./context";

/**
 * Merged vs the latest checkpoint, by training stage (thirds of the run's checkpointed tokens): how many merged
 * models beat the latest checkpoint at their point, and the best setting's gain with its interval.
 */
export function stagesSection(ctx: SectionContext): Section {
  const conclusions: Conclusion[] = [];
  const tables: Table[] = [];
  const figures: Figure[] = [];
  for (const ranking of ctx.rankings.values()) {
    const { sweep, best, gains } = ranking;
    if (!best) continue;
    const tableId = `stages-${sweep.id}`;
    const rows: Table["rows"] = [];
    for (const stage of STAGES) {
      const inStage = gains.filter((g) => g.cell.stage === stage);
      const points = new Set(inStage.map((g) => g.cell.point)).size;
      const bestGains = [...best.byPoint.values()].filter((g) => g.cell.stage === stage).map((g) => g.gain.diff);
      const m = meanInterval(bestGains);
      const wins = inStage.filter((g) => g.gain.diff > 0).length;
      rows.push([stage, stageRange(sweep, stage), points, inStage.length, wins, bestGains.length ? m.mean : null, m.low, m.high]);
      if (inStage.length === 0) continue;
      const bestText = bestGains.length ? ` ${settingLabel(best.setting)} gains ${w.signed(m.mean)} on average there.` : "";
      conclusions.push({
        kind: "finding",
        text: `${capitalise(stage)} in training (${stageRange(sweep, stage)}) on ${runTitle(sweep)}: ${wins} of ${w.count(inStage.length, "merged model")} beat the latest checkpoint at their merge point (${w.percent(wins / inStage.length)}).${bestText}`,
        evidence: [tableId, `score-tokens-${sweep.id}`],
        uncertainty: bestGains.length ? w.interval(m, "merge points") : null,
      });
    }
    tables.push({
      id: tableId,
      title: `Merged vs latest checkpoint by stage — sweep #${sweep.id}`,
      caption: `Stages are thirds of the run's checkpointed tokens. Gains of ${settingLabel(best.setting)} (positive is better), with their 95% t interval across merge points.`,
      columns: [
        { key: "stage", label: "Stage", kind: "text" },
        { key: "range", label: "Tokens", kind: "text" },
        { key: "points", label: "Points", kind: "int" },
        { key: "cells", label: "Merged models", kind: "int" },
        { key: "wins", label: "Beat latest", kind: "int" },
        { key: "gain", label: "Best setting gain", kind: "gain" },
        { key: "low", label: "95% CI low", kind: "gain" },
        { key: "high", label: "95% CI high", kind: "gain" },
      ],
      rows,
    });
    figures.push(scoreFigure(ctx, ranking));
  }
  return {
    id: "stages",
    title: "Merged vs latest checkpoint, by training stage",
    intro: "The paper's first guideline: merging constant-LR checkpoints gives a stronger model than the latest checkpoint. Here per stage of training.",
    conclusions,
    tables,
    figures,
    notes: [],
  };
}

/** Paper Fig. 2/3 style, from lib/analysis' scoreVsTokens: the latest checkpoints, the best setting's merges, the anneals. */
function scoreFigure(ctx: SectionContext, ranking: SettingsRanking): Figure {
  const sweep: DatasetSweep = ranking.sweep;
  const best = ranking.best!;
  return {
    id: `score-tokens-${sweep.id}`,
    title: `${ctx.metric.name} over training tokens — ${sweep.run.name}`,
    caption: `Every scored checkpoint of the run, the merges of ${settingLabel(best.setting)} at each merge point, and each annealed branch from its fork point (paper Fig. 2/3).`,
    chart: { kind: "score-vs-tokens", data: scoreVsTokens(sweep.scores, ctx.metric.name, best.setting.config) },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import { STAGES, type Stage } from "../dataset";
import type { Conclusion, Figure, Section, Table } from "../document";
import { stageRange, type CellGain } from "../gains";
import * as w from "../words";
import { runTitle, type SectionContext } from "./context";
import { comparisonPanel } from "../../analysis";
import { compareFactor, type FactorComparison } from "./grouped";

/**
 * Scheme ranking early / mid / late: schemes compared over cells matched on (N, V, T), the leader declared the winner
 * only when it beats every other scheme beyond the noise. The comparisons are reused by the guideline checks.
 */
const keyOf = (g: CellGain) => `${g.cell.n}|${g.cell.interval}|${g.cell.point}`;
const schemeOf = (g: CellGain) => g.cell.scheme;

export function schemesByStage(gains: CellGain[]): Map<Stage, FactorComparison<string> | null> {
  return new Map(STAGES.map((stage) => [stage, compareFactor(gains.filter((g) => g.cell.stage === stage), schemeOf, keyOf)]));
}

export function schemesSection(ctx: SectionContext): Section {
  const conclusions: Conclusion[] = [];
  const tables: Table[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const { sweep, gains } of ctx.rankings.values()) {
    const schemes = new Set(sweep.cells.map((c) => c.scheme));
    if (schemes.size < 2) {
      notes.push(`Sweep #${sweep.id} uses one scheme (${[...schemes].join(", ") || "none"}): no scheme comparison.`);
      continue;
    }
    const tableId = `schemes-${sweep.id}`;
    const rows: Table["rows"] = [];
    for (const [stage, result] of schemesByStage(gains)) {
      if (!result) {
        if (gains.some((g) => g.cell.stage === stage)) notes.push(`Sweep #${sweep.id}, ${stage} stage: no (N, V, T) is scored for two or more schemes, so schemes cannot be compared there.`);
        continue;
      }
      for (const [i, level] of result.levels.entries()) {
        const c = level.vsLeader;
        rows.push([stage, i + 1, level.level, result.matched, level.gain.mean, c?.mean ?? null, c?.low ?? null, c?.high ?? null, c?.p ?? null, c ? (c.decision === "A" ? "leader better" : c.decision === "tie" ? "within noise" : c.decision === "B" ? "better than leader" : "untested") : "leader"]);
      }
      conclusions.push(stageConclusion(stage, runTitle(sweep), stageRange(sweep, stage), result, [tableId, `schemes-tokens-${sweep.id}`]));
    }
    if (rows.length === 0) continue;
    tables.push({
      id: tableId,
      title: `Schemes by stage — sweep #${sweep.id}`,
      caption: "Mean gain over the latest checkpoint across cells matched on (N, V, T); each scheme compared with the stage's leader by a paired test at 5% split over the comparisons (Bonferroni). The interval is for the leader minus that scheme.",
      columns: [
        { key: "stage", label: "Stage", kind: "text" },
        { key: "rank", label: "Rank", kind: "int" },
        { key: "scheme", label: "Scheme", kind: "text" },
        { key: "matched", label: "Matched cells", kind: "int" },
        { key: "gain", label: "Mean gain", kind: "gain" },
        { key: "diff", label: "Leader − scheme", kind: "gain" },
        { key: "low", label: "CI low", kind: "gain" },
        { key: "high", label: "CI high", kind: "gain" },
        { key: "p", label: "p", kind: "p" },
        { key: "verdict", label: "Verdict", kind: "text" },
      ],
      rows,
    });
    const best = ctx.rankings.get(sweep.id)?.best;
    if (best) {
      figures.push({
        id: `schemes-tokens-${sweep.id}`,
        title: `Schemes over training tokens — ${sweep.run.name}, N=${best.setting.config.n}, V=${w.tokens(best.setting.config.interval)}`,
        caption: `Each scheme's merge at the best setting's N and V, beside the latest checkpoint (paper Fig. 4).`,
        chart: { kind: "panel", data: comparisonPanel(sweep.scores, ctx.metric.name, "scheme", best.setting.config) },
      });
    }
  }
  return {
    id: "schemes",
    title: "Schemes early, mid and late in training",
    intro: "The paper finds WMA best early in training and the schemes indistinguishable late, and recommends SMA. No winner is declared inside the noise.",
    conclusions,
    tables,
    figures,
    notes,
  };
}

function stageConclusion(stage: Stage, run: string, range: string, result: FactorComparison<string>, evidence: string[]): Conclusion {
  const leader = result.levels[0];
  const head = `${stage.charAt(0).toUpperCase()}${stage.slice(1)} in training (${range}) on ${run}, over ${w.count(result.matched, "matched cell")}`;
  if (result.winner !== null) {
    const closest = result.levels.slice(1).reduce((a, b) => (a.vsLeader!.mean <= b.vsLeader!.mean ? a : b));
    return {
      kind: "finding",
      text: `${head}: ${leader.level} is the best scheme, beyond the noise against every other (mean gain ${w.signed(leader.gain.mean)}); the closest is ${closest.level}.`,
      evidence,
      uncertainty: `${leader.level} − ${closest.level}: ${w.comparison(closest.vsLeader!, "cells")}; 5% split over ${result.levels.length - 1} comparisons`,
    };
  }
  const tied = result.levels.filter((l) => result.tied.includes(l.level));
  const nearest = tied[0];
  return {
    kind: "finding",
    text: `${head}: no winner declared. ${leader.level} ranks first (mean gain ${w.signed(leader.gain.mean)}), but ${tied.map((l) => l.level).join(", ")} ${tied.length === 1 ? "is" : "are"} within the noise of it.`,
    evidence,
    uncertainty: `${leader.level} − ${nearest.level}: ${w.comparison(nearest.vsLeader!, "cells")}; 5% split over ${result.levels.length - 1} comparisons`,
  };
}

import type { Stage } from "../dataset";
import type { Conclusion, Figure, Section, Table } from "../document";
import { settingLabel, stageRange, type CellGain } from "../gains";
import * as w from "../words";
import { runTitle, type SectionContext } from "./context";
import { comparisonPanel, schemeLabel } from "../../analysis";
import { compareFactor, type FactorComparison } from "./grouped";

/**
 * Best N and V: per merge point (N compared over matched (scheme, V), V over matched (scheme, N)), and per stage, so
 * the guideline checks can ask whether larger windows help late and hurt early.
 */
export const nOf = (g: CellGain) => g.cell.n;
export const vOf = (g: CellGain) => g.cell.interval;
const nKey = (g: CellGain) => `${g.cell.scheme}|${g.cell.interval}|${g.cell.point}`;
const vKey = (g: CellGain) => `${g.cell.scheme}|${g.cell.n}|${g.cell.point}`;

export function compareN(gains: CellGain[]): FactorComparison<number> | null {
  return compareFactor(gains, nOf, nKey);
}

export function compareV(gains: CellGain[]): FactorComparison<number> | null {
  return compareFactor(gains, vOf, vKey);
}

export function windowSection(ctx: SectionContext, extra: { tables: Table[]; figures: Figure[]; conclusions: Conclusion[]; notes: string[] }): Section {
  const conclusions: Conclusion[] = [];
  const tables: Table[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const { sweep, gains } of ctx.rankings.values()) {
    if (gains.length === 0) continue;
    const tableId = `window-points-${sweep.id}`;
    const rows: Table["rows"] = [];
    for (const point of sweep.points) {
      const here = gains.filter((g) => g.cell.point === point.point);
      if (here.length === 0) continue;
      const best = here.reduce((a, b) => (b.gain.diff > a.gain.diff ? b : a));
      const n = compareN(here);
      const v = compareV(here);
      rows.push([point.point, point.stage, settingLabel(best.setting), best.gain.diff, n ? n.levels[0].level : null, n ? verdict(n) : "one N", v ? v.levels[0].level : null, v ? verdict(v) : "one V"]);
    }
    tables.push({
      id: tableId,
      title: `Best N and V per merge point — sweep #${sweep.id}`,
      caption: "Best cell: the highest gain over the latest checkpoint at T. Best N: compared over cells matched on (scheme, V) at T; best V over (scheme, N). A leader is a winner only beyond the noise (paired test, 5% split over the comparisons).",
      columns: [
        { key: "point", label: "T", kind: "tokens" },
        { key: "stage", label: "Stage", kind: "text" },
        { key: "best", label: "Best cell", kind: "text" },
        { key: "gain", label: "Its gain", kind: "gain" },
        { key: "n", label: "Best N", kind: "int" },
        { key: "nVerdict", label: "N verdict", kind: "text" },
        { key: "v", label: "Best V", kind: "tokens" },
        { key: "vVerdict", label: "V verdict", kind: "text" },
      ],
      rows,
    });
    for (const stage of ["early", "late"] as Stage[]) {
      const inStage = gains.filter((g) => g.cell.stage === stage);
      for (const [factor, result] of [
        ["N", compareN(inStage)],
        ["V", compareV(inStage)],
      ] as const) {
        if (!result) continue;
        conclusions.push(factorConclusion(factor, stage, runTitle(sweep), stageRange(sweep, stage), result, [tableId, `${factor.toLowerCase()}-tokens-${sweep.id}`]));
      }
    }
    const best = ctx.rankings.get(sweep.id)?.best;
    if (best) {
      for (const axis of ["interval", "n"] as const) {
        const data = comparisonPanel(sweep.scores, ctx.metric.name, axis, best.setting.config);
        if (data.series.length < 2) continue;
        const held = axis === "n" ? `${schemeLabel(best.setting.config.scheme)}, V=${w.tokens(best.setting.config.interval)}` : `${schemeLabel(best.setting.config.scheme)}, N=${best.setting.config.n}`;
        figures.push({
          id: `${axis === "n" ? "n" : "v"}-tokens-${sweep.id}`,
          title: `${axis === "n" ? "Window N" : "Interval V"} over training tokens — ${sweep.run.name}, ${held}`,
          caption: `Each ${axis === "n" ? "N" : "V"} with the best setting's other two held (${held}), beside the latest checkpoint (paper Fig. 5).`,
          chart: { kind: "panel", data },
        });
      }
    }
  }
  return {
    id: "window",
    title: "Best N and V",
    intro: "How many checkpoints to merge (N) and how far apart (V): per merge point, per stage, and — where runs of several sizes exist — against model size.",
    conclusions: [...conclusions, ...extra.conclusions],
    tables: [...tables, ...extra.tables],
    figures: [...figures, ...extra.figures],
    notes: [...notes, ...extra.notes],
  };
}

function verdict(result: FactorComparison<number>): string {
  return result.winner !== null ? "winner" : `tied with ${result.tied.map((l) => (l > 1000 ? w.tokens(l) : String(l))).join(", ")}`;
}

function factorConclusion(factor: "N" | "V", stage: Stage, run: string, range: string, result: FactorComparison<number>, evidence: string[]): Conclusion {
  const show = (level: number) => (factor === "V" ? w.tokens(level) : String(level));
  const leader = result.levels[0];
  const ordered = [...result.levels].sort((a, b) => a.level - b.level);
  const trend = ordered.map((l) => `${factor}=${show(l.level)} ${w.signed(l.gain.mean)}`).join(", ");
  const head = `${stage === "early" ? "Early" : "Late"} in training (${range}) on ${run}, over ${w.count(result.matched, "matched cell")}`;
  const runner = result.levels[1];
  const text =
    result.winner !== null
      ? `${head}: ${factor}=${show(leader.level)} is best, beyond the noise (mean gains: ${trend}).`
      : `${head}: no best ${factor} declared; ${factor}=${show(leader.level)} leads but ${result.tied.map((l) => `${factor}=${show(l)}`).join(", ")} ${result.tied.length === 1 ? "is" : "are"} within the noise (mean gains: ${trend}).`;
  return { kind: "finding", text, evidence, uncertainty: `${factor}=${show(leader.level)} − ${factor}=${show(runner.level)}: ${w.comparison(runner.vsLeader!, "cells")}` };
}

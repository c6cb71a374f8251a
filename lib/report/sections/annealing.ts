import type { Conclusion, Figure, Section, Table } from "../document";
import { settingLabel } from "../gains";
import { comparePaired } from "../stats";
import * as w from "../words";
import { branchesOf, equalTokens, predictionFor, type ReportPrediction } from "./annealing-analysis";
import { runTitle, type SectionContext } from "./context";

/** Merged vs annealed at equal tokens, and how well merging predicts annealing (error, rank agreement). */
export function annealingSection(ctx: SectionContext): Section {
  const conclusions: Conclusion[] = [];
  const tables: Table[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  for (const ranking of ctx.rankings.values()) {
    const { sweep, best } = ranking;
    const branches = branchesOf(sweep);
    if (branches.length === 0) {
      notes.push(`${sweep.run.name} has no annealed branch (a run forked from it with kind "annealed"): merged and annealed models cannot be compared.`);
      continue;
    }
    if (!best) continue;
    const label = settingLabel(best.setting);

    const equal = equalTokens(ctx, sweep, best.setting);
    const equalId = `equal-tokens-${sweep.id}`;
    if (equal.length === 0) {
      notes.push(`Sweep #${sweep.id}: no merge point has a scored annealed checkpoint at exactly the same tokens, so there is no equal-tokens comparison.`);
    } else {
      const c = comparePaired(equal.map((r) => r.mergedVsAnnealed));
      const verdict =
        c.decision === "A" ? "the merged model is better than the annealed one" : c.decision === "B" ? "the annealed model is still better than the merge" : c.decision === "tie" ? "merged and annealed models are not distinguishable" : "the difference cannot be tested";
      const gained = equal.filter((r) => r.gapClosed !== null);
      const share = gained.length ? gained.reduce((s, r) => s + r.recovered, 0) / gained.reduce((s, r) => s + r.possible, 0) : null;
      const gap = share !== null ? ` Summed over the ${w.count(gained.length, "comparison")} where annealing beat the latest checkpoint, the merge recovers ${w.percent(share)} of annealing's gain.` : "";
      conclusions.push({
        kind: "finding",
        text: `At equal tokens on ${runTitle(sweep)} (${w.count(equal.length, "comparison")}, ${label}): ${verdict} (mean difference ${w.signed(c.mean)}; positive favours the merge).${gap}`,
        evidence: [equalId, `score-tokens-${sweep.id}`],
        uncertainty: w.comparison(c, "points"),
      });
      tables.push({
        id: equalId,
        title: `Merged vs annealed at equal tokens — sweep #${sweep.id}, ${label}`,
        caption: `Merged vs annealed: positive favours the merge. Gap closed: the share of the annealed model's gain over the latest checkpoint that the merge recovers.`,
        columns: [
          { key: "point", label: "T", kind: "tokens" },
          { key: "branch", label: "Annealed branch", kind: "text" },
          { key: "latest", label: "Latest", kind: "metric" },
          { key: "merged", label: "Merged", kind: "metric" },
          { key: "annealed", label: "Annealed", kind: "metric" },
          { key: "diff", label: "Merged vs annealed", kind: "gain" },
          { key: "gap", label: "Gap closed", kind: "percent" },
        ],
        rows: equal.map((r) => [r.point, r.branch, r.latest.value, r.merged.value, r.annealed.value, r.mergedVsAnnealed.diff, r.gapClosed]),
      });
    }

    const prediction = predictionFor(ctx, sweep, best.setting);
    if (prediction) {
      for (const s of prediction.result.missing) {
        const end = branches.find((b) => b.name === s.branch)?.checkpoints.reduce((a, c) => Math.max(a, c.tokens), 0);
        const hint = /final checkpoint/.test(s.reason) && end ? ` — add T = ${end} (${w.tokens(end)} tokens) to the sweep's merge points to score it` : "";
        notes.push(`${s.branch} is left out of the prediction: ${s.reason}${hint}.`);
      }
      if (prediction.result.rows.length > 0) {
        conclusions.push(predictionConclusion(ctx, sweep.id, prediction));
        tables.push(predictionTable(ctx, sweep.id, prediction));
        figures.push({
          id: `prediction-scatter-${sweep.id}`,
          title: `Annealing prediction — sweep #${sweep.id}`,
          caption: `Each fork point T: the merge there (${label}) and the latest checkpoint there, against the annealed branch's final score. On the dashed line a predictor is exact.`,
          chart: { kind: "prediction", data: prediction.result },
        });
        tables.push(settingPredictionTable(ctx, sweep.id, ranking.ranked.map((r) => predictionFor(ctx, sweep, r.setting)!)));
      }
    }
  }
  return {
    id: "annealing",
    title: "Merged vs annealed",
    intro: "Does a merge of constant-LR checkpoints stand in for a learning-rate decay? Compared at equal tokens, and as a forecast: the merge at a branch's fork point against the branch's annealed result.",
    conclusions,
    tables,
    figures,
    notes,
  };
}

function corr(value: number | null): string {
  return value === null ? "undefined (no spread)" : value.toFixed(2);
}

function predictionConclusion(ctx: SectionContext, sweepId: number, p: ReportPrediction): Conclusion {
  const { merged, latest, rows } = p.result;
  const k = rows.length;
  const ranks =
    k >= 2
      ? ` Rank agreement across the ${k} branches: Spearman ρ = ${corr(merged.spearman)}, Kendall τ = ${corr(merged.kendall)}` +
        (latest.forks === k ? ` (the latest checkpoint at the fork, unmerged: ρ = ${corr(latest.spearman)}, τ = ${corr(latest.kendall)}, error ${w.metric(latest.meanAbsError!)})` : "") +
        "."
      : " One branch only: rank agreement needs two or more.";
  const few = k >= 2 && k < 4 ? ` With ${k} branches a rank correlation is weak evidence either way.` : "";
  return {
    kind: "finding",
    text: `Merging at the fork point (${settingLabel(p.setting)}) predicts the annealed branch's final ${ctx.metric.name} with a mean absolute error of ${w.metric(merged.meanAbsError!)} (largest ${w.metric(merged.maxAbsError!)}); the merge is off by ${w.signed(merged.meanError!)} on average (merged − annealed).${ranks}${few}`,
    evidence: [`prediction-${sweepId}`, `prediction-scatter-${sweepId}`],
    uncertainty: w.interval(p.signed, "branches"),
  };
}

function predictionTable(ctx: SectionContext, sweepId: number, p: ReportPrediction): Table {
  return {
    id: `prediction-${sweepId}`,
    title: `Annealing prediction by branch — sweep #${sweepId}, ${settingLabel(p.setting)}`,
    caption: `Error = merged at the fork − annealed at the branch's end, in ${ctx.metric.name} units.`,
    columns: [
      { key: "branch", label: "Branch", kind: "text" },
      { key: "fork", label: "Fork F", kind: "tokens" },
      { key: "end", label: "End", kind: "tokens" },
      { key: "latest", label: "Latest at F", kind: "metric" },
      { key: "merged", label: "Merged at F", kind: "metric" },
      { key: "annealed", label: "Annealed at end", kind: "metric" },
      { key: "error", label: "Error", kind: "gain" },
    ],
    rows: p.result.rows.map((r) => [r.branch, r.fork, r.annealedTokens, r.latest?.value ?? null, r.merged.value, r.annealed.value, r.error]),
  };
}

function settingPredictionTable(ctx: SectionContext, sweepId: number, predictions: ReportPrediction[]): Table {
  return {
    id: `prediction-settings-${sweepId}`,
    title: `Annealing prediction by setting — sweep #${sweepId}`,
    caption: `Every ranked setting as a predictor (in the order of the settings table). MAE in ${ctx.metric.name} units.`,
    columns: [
      { key: "setting", label: "Setting", kind: "text" },
      { key: "branches", label: "Branches", kind: "int" },
      { key: "mae", label: "MAE", kind: "metric" },
      { key: "spearman", label: "Spearman ρ", kind: "corr" },
      { key: "kendall", label: "Kendall τ", kind: "corr" },
    ],
    rows: predictions.map((p) => [settingLabel(p.setting), p.result.merged.forks, p.result.merged.meanAbsError, p.result.merged.spearman, p.result.merged.kendall]),
  };
}

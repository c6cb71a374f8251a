import type { Conclusion, Section, Table } from "../document";
import { settingLabel } from "../gains";
import * as w from "../words";
import { predictionFor } from "./annealing-analysis";
import { runTitle, type SectionContext } from "./context";

/**
 * Summary: per swept run, the best setting found and the size of its gain over the latest checkpoint (over the
 * merge points every setting is scored at), whether it is distinguishable from the runner-up, and how well that
 * setting predicts the annealed branches.
 */
export function summarySection(ctx: SectionContext): Section {
  const conclusions: Conclusion[] = [];
  const tables: Table[] = [];
  const notes: string[] = [];
  for (const ranking of ctx.rankings.values()) {
    const { sweep, best, runnerUp, bestVsRunnerUp, commonPoints } = ranking;
    const tableId = `settings-${sweep.id}`;
    if (!best) {
      conclusions.push({
        kind: "missing",
        text: `Sweep #${sweep.id} on ${sweep.run.name}: no merged model has both a ${ctx.metric.name} score and a scored latest checkpoint at its merge point, so no setting can be ranked yet.`,
        evidence: [],
        uncertainty: null,
      });
      continue;
    }
    const over = commonPoints ? `the ${w.count(commonPoints.length, "merge point")} every setting is scored at` : "each setting's own scored merge points (no point is shared by every setting)";
    const relative = Number.isFinite(best.relative) ? ` (${w.signed(best.relative * 100)}% of the latest checkpoint's value)` : "";
    conclusions.push({
      kind: "finding",
      text:
        `On ${runTitle(sweep)}, the best setting found is ${settingLabel(best.setting)}: over ${over}, its merged models improve ${ctx.metric.name} ` +
        `on the latest checkpoint by ${w.signed(best.gain.mean)} on average${relative}, and beat it at ${best.wins} of ${best.gain.k}.`,
      evidence: [tableId],
      uncertainty: w.interval(best.gain, "merge points"),
    });
    if (runnerUp && bestVsRunnerUp) {
      const verdict =
        bestVsRunnerUp.decision === "A"
          ? `${settingLabel(best.setting)} is better than the runner-up, ${settingLabel(runnerUp.setting)}, beyond the noise.`
          : bestVsRunnerUp.decision === "untested"
            ? `Whether it is better than the runner-up, ${settingLabel(runnerUp.setting)}, cannot be tested on this data.`
            : `It is not distinguishable from the runner-up, ${settingLabel(runnerUp.setting)}: either is a sound choice here.`;
      conclusions.push({ kind: "finding", text: verdict, evidence: [tableId], uncertainty: w.comparison(bestVsRunnerUp, "merge points") });
    }
    const prediction = predictionFor(ctx, sweep, best.setting);
    if (prediction && prediction.result.rows.length > 0) {
      const { merged } = prediction.result;
      const rank = merged.forks >= 2 ? `; rank agreement with the annealed results: Spearman ρ = ${fmtCorr(merged.spearman)}, Kendall τ = ${fmtCorr(merged.kendall)}` : "";
      conclusions.push({
        kind: "finding",
        text: `Merged at a fork point with this setting, the model predicts the annealed branch's final ${ctx.metric.name} within ${w.metric(merged.meanAbsError!)} on average (mean absolute error over ${w.count(merged.forks, "branch", "branches")})${rank}.`,
        evidence: [`prediction-${sweep.id}`],
        uncertainty: merged.forks >= 2 ? w.interval(prediction.signed, "branches") : "one branch: no interval",
      });
    }
    if (ranking.excluded.length > 0) {
      notes.push(`Sweep #${sweep.id}: ${w.count(ranking.excluded.length, "setting")} scored at fewer than half the merge points of the best-covered one ${ranking.excluded.length === 1 ? "is" : "are"} left out of the ranking: ${ranking.excluded.map(settingLabel).join("; ")}.`);
    }
    tables.push({
      id: tableId,
      title: `Settings ranked by gain over the latest checkpoint — sweep #${sweep.id}`,
      caption: `Gain = improvement of ${ctx.metric.name} over the latest checkpoint at the same T (positive is better), over ${over}. Interval: 95% t interval across merge points.`,
      columns: [
        { key: "rank", label: "Rank", kind: "int" },
        { key: "setting", label: "Setting", kind: "text" },
        { key: "points", label: "Points", kind: "int" },
        { key: "wins", label: "Beats latest", kind: "int" },
        { key: "gain", label: "Mean gain", kind: "gain" },
        { key: "low", label: "95% CI low", kind: "gain" },
        { key: "high", label: "95% CI high", kind: "gain" },
      ],
      rows: ranking.ranked.map((r, i) => [i + 1, settingLabel(r.setting), r.gain.k, r.wins, r.gain.mean, r.gain.low, r.gain.high]),
    });
  }
  return {
    id: "summary",
    title: "Summary",
    intro: directionNote(ctx),
    conclusions,
    tables,
    figures: [],
    notes: [...notes, ...coverageNotes(ctx)],
  };
}

function fmtCorr(value: number | null): string {
  return value === null ? "undefined (no spread)" : value.toFixed(2);
}

function directionNote(ctx: SectionContext): string {
  const m = ctx.metric;
  const direction =
    m.higherIsBetter === null
      ? `Neither the metric nor its evaluator states a direction, so gains read it as higher-is-better; choose another metric if that is wrong.`
      : `${m.higherIsBetter ? "Higher" : "Lower"} is better; gains are signed so that positive always means better.`;
  return `Every conclusion below reads ${m.name}${m.composite ? " (a composite score)" : ""}. ${direction}`;
}

/** What the snapshot lacks: unscored, failed and infeasible cells, and scores without stderr. */
function coverageNotes(ctx: SectionContext): string[] {
  const notes: string[] = [];
  for (const sweep of ctx.data.sweeps) {
    const count = (f: (c: (typeof sweep.cells)[number]) => boolean) => sweep.cells.filter(f).length;
    const parts = [
      [count((c) => !c.feasible), "infeasible (no checkpoints to merge)"],
      [count((c) => c.status === "failed"), "failed to merge"],
      [count((c) => c.status === "cancelled"), "cancelled"],
      [count((c) => c.status === "queued" || c.status === "running"), "still merging"],
      [count((c) => c.feasible && c.status === "done" && c.evaluation === "pending"), "merged, evaluation still running"],
      [count((c) => c.feasible && c.status === "done" && c.evaluation === "failed"), "merged, evaluation failed"],
      [count((c) => c.feasible && c.status === "done" && c.evaluation === "none"), "merged, never evaluated"],
      [count((c) => c.evaluation === "other-metrics"), `evaluated without ${ctx.metric.name}`],
    ] as const;
    const missing = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
    if (missing.length > 0) notes.push(`Sweep #${sweep.id}: of ${w.count(sweep.cells.length, "cell")}, ${missing.join("; ")} — these are left out of every comparison.`);
    const noLatest = sweep.points.filter((p) => !p.latest?.score).map((p) => w.tokens(p.point));
    if (noLatest.length > 0) notes.push(`Sweep #${sweep.id}: no scored latest checkpoint at T = ${noLatest.join(", ")}, so merges there have no gain to report.`);
  }
  if (ctx.metric.withStderr === 0) {
    notes.push(`No ${ctx.metric.name} score carries a stderr: intervals and tests come from the spread across merge points or matched cells only.`);
  } else if (ctx.metric.withStderr < ctx.metric.scored) {
    notes.push(`${ctx.metric.withStderr} of ${ctx.metric.scored} ${ctx.metric.name} scores carry a stderr; comparisons use it only where every pair has one.`);
  }
  return notes;
}

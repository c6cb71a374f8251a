import type { Conclusion, ConclusionKind, Section } from "../document";
import { meanInterval } from "../stats";
import * as w from "../words";
import { predictionFor } from "./annealing-analysis";
import type { SectionContext } from "./context";
import type { RestartGroup } from "./restarts-analysis";
import { schemesByStage } from "./schemes";
import type { SizeFit } from "./sizes";
import { compareN, compareV } from "./window";

/**
 * The paper's guidelines (paper §6) checked against this data, one verdict each: consistent, contradicted — said
 * plainly — or not testable here and why. Every verdict names the tables and figures it rests on.
 */
interface Check {
  guideline: string;
  kind: ConclusionKind;
  text: string;
  evidence: string[];
  uncertainty: string | null;
}

export function guidelinesSection(ctx: SectionContext | null, sizes: SizeFit | null, restarts: RestartGroup[]): Section {
  const checks: Check[] = [];
  if (ctx) {
    for (const ranking of ctx.rankings.values()) {
      const id = ranking.sweep.id;
      const on = `sweep #${id} (${ranking.sweep.run.name})`;
      checks.push(...stableMergeChecks(ctx, id, on), ...predictionChecks(ctx, id, on), ...schemeChecks(ctx, id, on), ...windowChecks(ctx, id, on));
    }
    if (sizes) checks.push(sizeCheck(sizes));
  } else {
    checks.push({ guideline: "Guidelines 1–6 (merging, schemes, N and V)", kind: "missing", text: "Nothing in scope is scored yet, so none of the merging guidelines can be checked.", evidence: [], uncertainty: null });
  }
  checks.push(...restartChecks(restarts));
  const conclusions: Conclusion[] = checks.map((c) => ({ kind: c.kind, text: `${c.guideline}: ${c.text}`, evidence: c.evidence, uncertainty: c.uncertainty }));
  const verdict = (kind: ConclusionKind) => (kind === "contradiction" ? "contradicted" : kind === "consistent" ? "consistent" : kind === "missing" ? "not tested" : "inconclusive");
  return {
    id: "guidelines",
    title: "The paper's guidelines against this data",
    intro: "Where this data contradicts one of the paper's guidelines, it says so; where it cannot test one, it says why.",
    conclusions,
    tables: [
      {
        id: "guidelines",
        title: "Guideline verdicts",
        columns: [
          { key: "guideline", label: "Guideline", kind: "text" },
          { key: "verdict", label: "Verdict", kind: "text" },
          { key: "evidence", label: "Evidence", kind: "text" },
        ],
        rows: checks.map((c) => [c.guideline, verdict(c.kind), c.evidence.join(", ") || "—"]),
      },
    ],
    figures: [],
    notes: [
      "Not testable from sweeps of one run: merging inside a learning-rate decay (guideline 2), PMA-init for continued training or SFT (7), the learning rate's effect (9) and merging already-annealed checkpoints (10).",
    ],
  };
}

function stableMergeChecks(ctx: SectionContext, id: number, on: string): Check[] {
  const { gains } = ctx.rankings.get(id)!;
  const later = gains.filter((g) => g.cell.stage !== "early");
  const points = [...new Set(later.map((g) => g.cell.point))].sort((a, b) => a - b);
  const perPoint = points.map((p) => {
    const here = later.filter((g) => g.cell.point === p).map((g) => g.gain.diff);
    return here.reduce((a, b) => a + b, 0) / here.length;
  });
  const guideline = `G1 merge stable-phase checkpoints (${on})`;
  if (perPoint.length === 0) return [{ guideline, kind: "missing", text: "no scored merge after the early stage.", evidence: [], uncertainty: null }];
  const m = meanInterval(perPoint);
  const evidence = [`stages-${id}`, `score-tokens-${id}`];
  const uncertainty = w.interval(m, "merge points");
  const text = `averaged over every setting, merges after the early stage gain ${w.signed(m.mean)} on the latest checkpoint`;
  if (m.low !== null && m.low > 0) return [{ guideline, kind: "consistent", text: `${text}: merging helps, as the paper finds.`, evidence, uncertainty }];
  if (m.high !== null && m.high < 0) return [{ guideline, kind: "contradiction", text: `${text}: the data contradicts the guideline — merged models are worse than the latest checkpoint.`, evidence, uncertainty }];
  return [{ guideline, kind: "finding", text: `${text}, which is not distinguishable from no gain.`, evidence, uncertainty }];
}

function predictionChecks(ctx: SectionContext, id: number, on: string): Check[] {
  const best = ctx.rankings.get(id)!.best;
  const prediction = best ? predictionFor(ctx, ctx.rankings.get(id)!.sweep, best.setting) : null;
  const guideline = `G1 a merge previews the annealed model (${on})`;
  if (!prediction || prediction.result.rows.length < 2) {
    return [{ guideline, kind: "missing", text: "fewer than two annealed branches with a scored end and a scored merge at their fork point.", evidence: [`prediction-${id}`], uncertainty: null }];
  }
  const { spearman: rho, forks, meanAbsError } = prediction.result.merged;
  const evidence = [`prediction-${id}`, `prediction-scatter-${id}`];
  const uncertainty = `Spearman ρ over ${forks} branches${forks < 4 ? " (few branches: weak evidence)" : ""}`;
  if (rho !== null && rho >= 0.5) return [{ guideline, kind: "consistent", text: `merges at the fork points rank the annealed results alike (ρ = ${rho.toFixed(2)}), error ${w.metric(meanAbsError!)}.`, evidence, uncertainty }];
  if (rho !== null && rho <= 0) return [{ guideline, kind: "contradiction", text: `merges at the fork points do not rank the annealed results (ρ = ${rho.toFixed(2)}): here a merge is no preview of annealing.`, evidence, uncertainty }];
  return [{ guideline, kind: "finding", text: `partial rank agreement (ρ = ${rho === null ? "undefined" : rho.toFixed(2)}).`, evidence, uncertainty }];
}

function schemeChecks(ctx: SectionContext, id: number, on: string): Check[] {
  const stages = schemesByStage(ctx.rankings.get(id)!.gains);
  const evidence = [`schemes-${id}`, `schemes-tokens-${id}`];
  const checks: Check[] = [];
  const late = stages.get("late");
  const lateName = `G3 use SMA; schemes converge late (${on})`;
  if (!late) checks.push({ guideline: lateName, kind: "missing", text: "no scheme comparison in the late stage.", evidence: [], uncertainty: null });
  else {
    const sma = late.levels.find((l) => l.level === "SMA");
    const leader = late.levels[0];
    const unc = leader.level === "SMA" || !sma ? null : `${leader.level} − SMA: ${w.comparison(sma.vsLeader!, "cells")}`;
    if (late.winner !== null && late.winner !== "SMA") checks.push({ guideline: lateName, kind: "contradiction", text: `late in training ${late.winner} beats every other scheme${sma ? ", SMA included," : ""} beyond the noise: here the schemes do not converge.`, evidence, uncertainty: unc });
    else if (!sma) checks.push({ guideline: lateName, kind: "missing", text: "SMA is not among the late-stage schemes.", evidence, uncertainty: null });
    else checks.push({ guideline: lateName, kind: "consistent", text: late.winner === "SMA" ? "SMA is the best scheme late in training." : "late in training SMA is within the noise of the leader: SMA loses nothing.", evidence, uncertainty: unc });
  }
  const early = stages.get("early");
  const earlyName = `G3 WMA is best early (${on})`;
  if (!early) checks.push({ guideline: earlyName, kind: "missing", text: "no scheme comparison in the early stage.", evidence: [], uncertainty: null });
  else if (early.winner !== null && early.winner !== "WMA") checks.push({ guideline: earlyName, kind: "contradiction", text: `early in training ${early.winner} is the best scheme beyond the noise, not WMA.`, evidence, uncertainty: null });
  else if (early.winner === "WMA") checks.push({ guideline: earlyName, kind: "consistent", text: "WMA is the best scheme early in training.", evidence, uncertainty: null });
  else checks.push({ guideline: earlyName, kind: "finding", text: `no scheme wins early beyond the noise (${early.levels[0].level} leads): not confirmed.`, evidence, uncertainty: null });
  return checks;
}

function windowChecks(ctx: SectionContext, id: number, on: string): Check[] {
  const { gains } = ctx.rankings.get(id)!;
  const evidence = [`window-points-${id}`];
  const checks: Check[] = [];
  const lateN = compareN(gains.filter((g) => g.cell.stage === "late"));
  const nName = `G5 larger N helps late (${on})`;
  if (!lateN) checks.push({ guideline: nName, kind: "missing", text: "fewer than two N values scored in the late stage.", evidence: [], uncertainty: null });
  else {
    const ns = lateN.levels.map((l) => l.level);
    const [smallest, largest] = [Math.min(...ns), Math.max(...ns)];
    const largestIn = lateN.levels[0].level === largest || lateN.tied.includes(largest);
    if (lateN.winner === smallest) checks.push({ guideline: nName, kind: "contradiction", text: `late in training the smallest window, N=${smallest}, beats the larger ones beyond the noise.`, evidence, uncertainty: null });
    else if (largestIn) checks.push({ guideline: nName, kind: "consistent", text: `late in training N=${largest} is ${lateN.winner === largest ? "best" : "as good as the best"}.`, evidence, uncertainty: null });
    else checks.push({ guideline: nName, kind: "finding", text: `late in training N=${lateN.levels[0].level} leads; the largest N is behind it.`, evidence, uncertainty: null });
  }
  for (const [factor, result] of [
    ["V", compareV(gains.filter((g) => g.cell.stage === "early"))],
    ["N", compareN(gains.filter((g) => g.cell.stage === "early"))],
  ] as const) {
    const name = `G6 avoid large ${factor} early (${on})`;
    if (!result) {
      checks.push({ guideline: name, kind: "missing", text: `fewer than two ${factor} values scored in the early stage.`, evidence: [], uncertainty: null });
      continue;
    }
    const levels = result.levels.map((l) => l.level);
    const largest = Math.max(...levels);
    const show = (v: number) => (factor === "V" ? w.tokens(v) : String(v));
    if (result.winner === largest) checks.push({ guideline: name, kind: "contradiction", text: `early in training the largest ${factor} (${show(largest)}) is best beyond the noise.`, evidence, uncertainty: null });
    else if (result.levels[0].level !== largest) checks.push({ guideline: name, kind: "consistent", text: `early in training ${factor}=${show(result.levels[0].level)} leads and the largest ${factor} does not.`, evidence, uncertainty: null });
    else checks.push({ guideline: name, kind: "finding", text: `early in training the largest ${factor} leads, but within the noise.`, evidence, uncertainty: null });
  }
  return checks;
}

function sizeCheck(sizes: SizeFit): Check {
  const guideline = "G4 scale V with model size";
  if (!sizes.fit) return { guideline, kind: "missing", text: "one model size in scope: no fit (add sweeps of runs of other sizes).", evidence: ["sizes"], uncertainty: null };
  const { slope, slopeSe } = sizes.fit;
  const unc = slopeSe === null ? "two sizes: no uncertainty" : `slope ${slope.toFixed(2)} ± ${(1.96 * slopeSe).toFixed(2)}`;
  if (slope > 0) return { guideline, kind: "consistent", text: `the best V grows with size (exponent ${slope.toFixed(2)}; the paper's points: ${sizes.paper.slope.toFixed(2)}).`, evidence: ["sizes", "size-fit"], uncertainty: unc };
  return { guideline, kind: "contradiction", text: `the best V does not grow with model size here (exponent ${slope.toFixed(2)}).`, evidence: ["sizes", "size-fit"], uncertainty: unc };
}

function restartChecks(groups: RestartGroup[]): Check[] {
  return groups.flatMap((group, i): Check[] => {
    const pma = group.restarts.find((r) => r.kind === "pma-init" && r.log.length > 0);
    if (!pma) return [];
    const guideline = `G8 PMA-init recovers a loss spike (${group.parent})`;
    const evidence = [`restarts-${i + 1}`, `restart-loss-${i + 1}`];
    if (group.recoveredAlone) {
      const record = pma.respike ? `; for the record, the PMA-init restart spiked again at step ${pma.respike.step}` : "; the PMA-init restart did not spike again";
      return [{ guideline, kind: "missing", text: `not tested — the original run came back down by itself, so there was no irrecoverable divergence to rescue${record}.`, evidence, uncertainty: null }];
    }
    if (pma.respike) return [{ guideline, kind: "contradiction", text: `the PMA-init restart spiked again at step ${pma.respike.step}.`, evidence, uncertainty: null }];
    const control = group.pmaVsRollback && group.pmaVsRollback.decision !== "B" ? " — but the rollback control did as well, so averaging gets no credit for it" : "";
    return [{ guideline, kind: "consistent", text: `the PMA-init restart passed the spike without another${control}.`, evidence, uncertainty: null }];
  });
}

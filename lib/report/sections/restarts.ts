import type { Conclusion, Figure, Section, Table } from "../document";
import * as w from "../words";
import { SPIKE_THRESHOLD, type RestartGroup } from "./restarts-analysis";

/** PMA-init / spike-recovery outcomes, where the scope holds restarted runs. */
export function restartsSection(groups: RestartGroup[], metricName: string | null): Section {
  const conclusions: Conclusion[] = [];
  const tables: Table[] = [];
  const figures: Figure[] = [];
  const notes: string[] = [];
  if (groups.length === 0) notes.push("No run in scope was restarted from another (kind pma-init or rollback, or initialised from a recorded merge): no spike-recovery outcome to report. Add the restarted run to the report's runs to include it.");
  for (const [i, group] of groups.entries()) {
    const tableId = `restarts-${i + 1}`;
    const figureId = `restart-loss-${i + 1}`;
    const spike = group.spike
      ? `${group.parent} spiked at step ${group.spike.step} (smoothed training loss ${w.metric(group.spike.baseline)} → peak ${w.metric(group.spike.peak)})`
      : `No spike is detected in ${group.parent}'s logged loss${group.parentLog.length ? "" : " (it has no training log)"}`;
    const recoveredAlone = group.recoveredAlone;
    const ended =
      group.parentFinal === null
        ? ""
        : recoveredAlone
          ? ` and came back down by itself, ending at ${w.metric(group.parentFinal)} (within ${SPIKE_THRESHOLD} of its pre-spike level): this spike was not irrecoverable, so restarts are not needed to recover from it`
          : ` and ended at ${w.metric(group.parentFinal)}`;
    conclusions.push({ kind: "finding", text: `${spike}${ended}.`, evidence: [figureId], uncertainty: null });
    for (const r of group.restarts) {
      if (r.log.length === 0) {
        notes.push(`${r.run} has no training log: its outcome cannot be read.`);
        continue;
      }
      const recovered = r.respike === null;
      const text =
        `${r.run} (${r.kind}, from ${r.init}${r.fromStep !== null ? `, resumed at step ${r.fromStep}` : ""}) ` +
        (recovered ? `did not spike again` : `spiked again at step ${r.respike!.step} (peak ${w.metric(r.respike!.peak)})`) +
        `; its training loss ended at ${w.metric(r.finalLoss!)} (mean of its last tenth), worst ${w.metric(r.worstLoss!)}.`;
      conclusions.push({ kind: "finding", text, evidence: [tableId, figureId], uncertainty: "training loss of one run: no repeat, so no interval" });
    }
    if (group.pmaVsRollback) {
      const c = group.pmaVsRollback;
      const verdict = c.decision === "B" ? "PMA-init ended lower than the rollback" : c.decision === "A" ? "the rollback ended lower than PMA-init" : "PMA-init and the rollback ended within the noise of each other";
      conclusions.push({
        kind: "finding",
        text: `Against the rollback control: ${verdict} (PMA-init − rollback training loss ${w.signed(c.mean)} over the second half of their logs).${c.decision !== "B" ? " The recovery cannot be credited to averaging over plain rollback." : ""}`,
        evidence: [tableId, figureId],
        uncertainty: `${w.comparison(c, "logged steps")}; consecutive steps are correlated, so this interval is optimistic`,
      });
    } else if (group.restarts.length > 0) {
      notes.push(`${group.parent}: no rollback control beside the PMA-init restart (or no PMA-init beside the rollback): the recovery cannot be attributed to averaging.`);
    }
    tables.push({
      id: tableId,
      title: `Restarts of ${group.parent}`,
      columns: [
        { key: "run", label: "Run", kind: "text" },
        { key: "kind", label: "Kind", kind: "text" },
        { key: "init", label: "Initialised from", kind: "text" },
        { key: "from", label: "From step", kind: "int" },
        { key: "final", label: "Final train loss", kind: "metric" },
        { key: "worst", label: "Worst train loss", kind: "metric" },
        { key: "respike", label: "Spiked again at", kind: "int" },
        { key: "score", label: metricName ? `${metricName} (last ckpt)` : "Score (last ckpt)", kind: "metric" },
      ],
      rows: [
        [group.parent, "original", "—", null, group.parentFinal, group.parentLog.length ? Math.max(...group.parentLog.map((p) => p.value)) : null, group.spike?.step ?? null, null],
        ...group.restarts.map((r) => [r.run, r.kind, r.init, r.fromStep, r.finalLoss, r.worstLoss, r.respike?.step ?? null, r.lastScore?.score.value ?? null]),
      ],
    });
    const figure = lossFigure(figureId, group);
    if (figure) figures.push(figure);
    else notes.push(`${group.parent}: no training loss logged around the restarts, so there is no figure.`);
  }
  return {
    id: "restarts",
    title: "PMA-init and loss-spike recovery",
    intro: "The paper restarts a diverging run from the average of the checkpoints saved before its spike. A rollback to the latest pre-spike checkpoint is the control the paper lacks.",
    conclusions,
    tables,
    figures,
    notes,
  };
}

/** lib/analysis' restart window (the original run from as far before the fork as the restarts run after it). */
function lossFigure(id: string, group: RestartGroup): Figure | null {
  if (!group.window) return null;
  return {
    id,
    title: `Training loss around the spike — ${group.parent}`,
    caption: `Logged training loss and grad norm from ${w.tokens(group.window.from)} to ${w.tokens(group.window.to)} tokens: the original run and each restart from its fork point (paper Fig. 7).`,
    chart: { kind: "restarts", data: group.window },
  };
}

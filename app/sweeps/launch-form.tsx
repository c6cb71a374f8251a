"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { formatTokens } from "../../lib/merge/plan/tokens";
import type { LaunchRun } from "../../lib/sweeps/launch-facts";
import type { LaunchForm as LaunchFormData } from "../../lib/sweeps/launch-request";
import { buttonClass, Card } from "../components/ui";
import { appendCellsAction, launchSweepAction, type Refusal } from "./actions";
import { EvaluatorsField, ExecutorField, GridFields, PointsField, RunField, SchemesField, type EvaluatorOption, type FieldError } from "./launch-fields";
import { CostEstimate, PreviewTable } from "./launch-preview";
import { useLivePreview } from "./use-live-preview";

export interface LaunchFormProps {
  runs: LaunchRun[];
  initial: LaunchFormData;
  evaluators: EvaluatorOption[];
  /** Why the evaluators config could not be read, if it could not. */
  evaluatorsProblem?: string | null;
  /** Append to this sweep (its run is fixed) instead of launching a new one. */
  sweepId?: number;
  /** A Slurm cluster is configured: offer it as where the sweep runs. */
  slurm?: boolean;
}

/**
 * The grid builder: run, merge points, N, V, schemes, evaluators. Every edit re-previews (debounced): each cell
 * with the checkpoints and weights it merges or why it cannot, and the cost. Launch stores exactly that.
 */
export function LaunchForm({ runs, initial, evaluators, evaluatorsProblem = null, sweepId, slurm = false }: LaunchFormProps) {
  const router = useRouter();
  const [form, setForm] = useState(initial);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [launching, startLaunch] = useTransition();
  const live = useLivePreview(form, sweepId);
  const run = runs.find((candidate) => candidate.name === form.run);
  const appending = sweepId !== undefined;

  const update = (patch: Partial<LaunchFormData>) => {
    setRefusal(null);
    setForm((current) => ({ ...current, ...patch }));
  };
  const pickRun = (name: string) => {
    const next = runs.find((candidate) => candidate.name === name);
    // Branch points only exist on runs with annealed branches; keep the other modes as typed.
    update({ run: name, ...(form.points.mode === "branches" && !next?.branchPoints.length ? { points: { mode: "every", every: 1, from: "", to: "" } } : {}) });
  };
  const launch = () =>
    startLaunch(async () => {
      const result = appending ? await appendCellsAction(sweepId, form) : await launchSweepAction(form);
      if (result.ok) router.push(`/sweeps/${result.sweepId}`);
      else setRefusal(result);
    });

  const preview = live.result?.ok ? live.result.preview : null;
  const shown = preview ?? live.lastGood;
  const error: FieldError | null = refusal ?? (live.result && !live.result.ok && !live.stale ? live.result : null);
  const nothingNew = preview !== null && preview.counts.feasible === 0;
  // (An append that adds no cell, or a grid with no feasible cell, has nothing to launch.)
  return (
    <div className="space-y-6">
      <form
        aria-label={appending ? "Append cells to the sweep" : "Launch a sweep"}
        className="space-y-4 rounded-xl border border-line bg-surface p-5 shadow-sm shadow-black/[0.03]"
        onSubmit={(event) => {
          event.preventDefault();
          launch();
        }}
      >
        <div className="grid items-end gap-x-6 gap-y-2 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <RunField runs={runs} value={form.run} onChange={pickRun} fixed={appending} error={error} />
          {run ? (
            <p className="num pb-2 text-xs text-muted">
              {run.checkpoints} checkpoints, {run.minTokens !== null && run.maxTokens !== null ? `${formatTokens(run.minTokens)} – ${formatTokens(run.maxTokens)} tokens` : "no token counts"}
              {run.tokensPerStep ? ` · ${run.tokensPerStep.toLocaleString("en-US")} tokens/step` : ""}
            </p>
          ) : null}
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <div className="space-y-4">
            <PointsField form={form} run={run} update={update} error={error} />
            <GridFields form={form} run={run} update={update} error={error} />
          </div>
          <div className="space-y-4">
            <SchemesField form={form} update={update} error={error} />
            <EvaluatorsField form={form} evaluators={evaluators} update={update} problem={evaluatorsProblem} />
            {slurm && !appending ? <ExecutorField form={form} update={update} error={error} /> : null}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-3 border-t border-line pt-4">
          <p aria-live="polite" className="text-sm text-muted" data-testid="preview-summary">
            {live.stale ? "Updating the preview…" : preview ? summarize(preview.counts) : null}
          </p>
          {error && (error.field === null || error.field === "evaluators") ? (
            <p role="alert" className="text-sm text-danger">
              {error.message}
            </p>
          ) : null}
          <span className="grow" />
          <button type="submit" disabled={launching || live.stale || !preview || nothingNew} className={buttonClass("primary")}>
            {launching ? "Launching…" : appending ? "Append cells" : "Launch sweep"}
          </button>
        </div>
      </form>

      {shown ? (
        <div className={`space-y-6 transition-opacity ${live.stale || shown !== preview ? "opacity-50" : ""}`} aria-busy={live.stale}>
          <Card title="Cost estimate" description="What launching would read and write, checked against the data directory's disk." padded={false}>
            <CostEstimate preview={shown} />
          </Card>
          <Card title="Preview" description={`Merge points: ${shown.points.map(formatTokens).join(", ")}. Reused and in-flight merges are not computed again.`} padded={false}>
            <PreviewTable cells={shown.cells} />
          </Card>
        </div>
      ) : null}
    </div>
  );
}

function summarize(counts: { cells: number; feasible: number; infeasible: number; newMerges: number; reused: number; inFlight: number }): string {
  const parts = [`${counts.cells} cell${counts.cells === 1 ? "" : "s"}`, `${counts.newMerges} new merge${counts.newMerges === 1 ? "" : "s"}`];
  if (counts.reused) parts.push(`${counts.reused} reused`);
  if (counts.inFlight) parts.push(`${counts.inFlight} in flight`);
  if (counts.infeasible) parts.push(`${counts.infeasible} infeasible`);
  return parts.join(" · ");
}

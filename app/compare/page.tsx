import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { Suspense } from "react";
import { configLabel } from "../../lib/analysis";
import { formatCount } from "../../lib/format";
import { restartLineName } from "../../lib/charts/restarts";
import { BeforeAfterChart, RestartChart } from "../components/research-charts";
import { runHref } from "../components/run-href";
import { Card, Code, EmptyState, PageHeader } from "../components/ui";
import { UrlCheckboxes, UrlSelect } from "../components/url-pickers";
import { loadBeforeAfter, loadSpike, MAX_PANELS, type BeforeAfterView, type SpikeView } from "./compare-data";

export const metadata: Metadata = { title: "Compare" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function BeforeAfterSection({ view }: { view: BeforeAfterView }) {
  return (
    <Card
      title="Before and after merging, across runs"
      description="Per benchmark, each run's latest checkpoint at T against its merge at T (paper Fig. 1/9), runs from the smallest model up. Whiskers: ± stderr."
      padded={false}
    >
      <div className="flex flex-wrap items-center gap-x-6 gap-y-3 border-b border-line px-5 py-3" data-testid="compare-pickers">
        <Suspense>
          <UrlCheckboxes name="runs" label="Runs" values={view.selectedRuns} options={view.runOptions} />
          <UrlSelect name="scheme" label="Scheme" value={view.scheme} options={view.schemeOptions} />
        </Suspense>
      </div>
      {view.merges.length === 0 ? (
        <EmptyState title="No run has a scored merge to compare" icon="▥">
          A run appears here once one of its sweeps has a merged model and the checkpoint at the same T both scored. Launch a sweep with evaluators on{" "}
          <Link href="/sweeps" className="text-accent hover:underline">Sweeps</Link>, or <Link href="/imports" className="text-accent hover:underline">import scores</Link>.
        </EmptyState>
      ) : (
        <div className="space-y-4 p-5">
          <ul className="space-y-0.5 text-xs text-muted" data-testid="compared-merges">
            {view.merges.map((m) => (
              <li key={m.run}>
                <Link href={runHref(m.run)} className="text-accent hover:underline">{m.run}</Link>
                {m.params ? ` (${formatCount(m.params)} params)` : ""}: PMA {configLabel(m.config)} at {formatCount(m.point)} vs checkpoint step {m.checkpoint.step}
              </li>
            ))}
            {view.missing.map((m) => (
              <li key={m.run} className="text-warn">
                {m.run}: {m.reason}
              </li>
            ))}
          </ul>
          <div className="grid gap-6 lg:grid-cols-2">
            {view.panels.map((panel) => (
              <div key={panel.metric.name} className="min-w-0">
                <h3 className="mb-1 text-sm font-medium">{panel.metric.name}</h3>
                <BeforeAfterChart panel={panel} label={`Before and after merging: ${panel.metric.name}`} />
              </div>
            ))}
          </div>
          {view.totalPanels > MAX_PANELS ? (
            <p className="text-xs text-muted">
              Showing the first {MAX_PANELS} of {view.totalPanels} metrics (composites first).
            </p>
          ) : null}
        </div>
      )}
    </Card>
  );
}

function SpikeSection({ view }: { view: SpikeView }) {
  const restarts = view.selected?.restarts ?? [];
  return (
    <Card
      title="Loss and grad norm around a spike"
      description="The original run and the runs restarted from before its spike — from a merge of pre-spike checkpoints (PMA-init) or the latest one (rollback) — around the fork point (paper Fig. 7)."
      padded={false}
    >
      {view.selected ? (
        <>
          <div className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-line px-5 py-3">
            <Suspense>
              <UrlSelect name="spike" label="Run" value={view.selected.run.name} options={view.runOptions} />
            </Suspense>
            <span className="text-xs text-muted">
              {restarts.length} restart{restarts.length === 1 ? "" : "s"}: {restarts.map((r) => `${r.name} (${r.kind}, fork ${formatCount(r.forkTokens)})`).join(", ")}
            </span>
          </div>
          <div className="p-5">
            {view.window ? (
              <>
                <RestartChart window={view.window} label={`Loss and grad norm around the spike of ${view.selected.run.name}`} />
                <p className="mt-2 text-xs text-muted">
                  {view.window.panels[0].lines.map(restartLineName).join(" · ")}. Window {formatCount(view.window.from)}–{formatCount(view.window.to)} tokens.
                </p>
              </>
            ) : (
              <EmptyState title="No training log to plot" icon="〰">
                Neither the run nor its restarts have a logged loss or grad norm. Add a <Code>train_log.jsonl</Code> beside their checkpoints and rescan.
              </EmptyState>
            )}
          </div>
        </>
      ) : (
        <EmptyState title="No restarted runs" icon="↺">
          A restart is a run forked from another before a spike: register it with <Code>--branch-of RUN --fork-tokens T --kind pma-init</Code> (or{" "}
          <Code>rollback</Code>). The reference lab&apos;s unstable run comes with both.
        </EmptyState>
      )}
    </Card>
  );
}

export default async function ComparePage({ searchParams }: Props) {
  await connection();
  const params = await searchParams;
  const beforeAfter = loadBeforeAfter(params);
  const spike = loadSpike(params);
  return (
    <>
      <PageHeader title="Compare" description="Runs side by side: what merging buys at each model size, and how restarts recover from a loss spike." />
      <div className="space-y-6">
        <BeforeAfterSection view={beforeAfter} />
        <SpikeSection view={spike} />
      </div>
    </>
  );
}

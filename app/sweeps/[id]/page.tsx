import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { isPmaError } from "../../../lib/errors";
import type { GridMetric } from "../../../lib/sweeps/grid/data";
import { patchGridState, toSearchParams, writeGridState, type GridState } from "../../../lib/sweeps/grid/state";
import type { BaselineView } from "../../../lib/sweeps/metrics";
import { Badge, buttonClass, Card, EmptyState, PageHeader } from "../../components/ui";
import { cancelSweepAction } from "../actions";
import { AutoRefresh } from "./auto-refresh";
import { BaselinesTable } from "./baselines-table";
import { GridHeatmap } from "./grid-heatmap";
import { GridTable } from "./grid-table";
import { GridToolbar } from "./grid-toolbar";
import { loadSweepPage, type SweepPageData } from "./grid-data";
import { SweepActions } from "./sweep-actions";
import { SweepSummary } from "./sweep-summary";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Sweep #${(await params).id}` };
}

function load(id: string, params: URLSearchParams): SweepPageData {
  if (!/^\d+$/.test(id)) notFound();
  try {
    return loadSweepPage(Number(id), params);
  } catch (error) {
    if (isPmaError(error) && error.code === "sweep_not_found") notFound();
    throw error;
  }
}

function ViewSwitch({ state }: { state: GridState }) {
  const href = (view: GridState["view"]) => {
    const query = writeGridState(patchGridState(state, { view })).toString();
    return query ? `?${query}` : "?";
  };
  return (
    <nav aria-label="View" className="flex overflow-hidden rounded-lg border border-line text-sm">
      {(["table", "heatmap"] as const).map((view) => (
        <Link
          key={view}
          href={href(view)}
          scroll={false}
          aria-current={state.view === view ? "page" : undefined}
          className={`px-3.5 py-1.5 ${state.view === view ? "bg-accent-soft font-medium text-accent" : "bg-surface text-muted hover:text-fg"}`}
        >
          {view === "table" ? "Table" : "Heatmap"}
        </Link>
      ))}
    </nav>
  );
}

function Legend() {
  return (
    <span className="flex flex-wrap items-center gap-x-4 gap-y-1" data-testid="grid-legend">
      <span>Δ = merged − baseline at the same T (latest checkpoint; first annealed branch there)</span>
      <span className="text-ok">+/− green: better</span>
      <span className="text-danger">red: worse</span>
      <span>grey: the metric states no direction · ↑ higher is better · ↓ lower is better</span>
    </span>
  );
}

function withBaselineMetrics(metrics: GridMetric[], baselines: BaselineView[]): GridMetric[] {
  const known = new Set(metrics.map((m) => m.name));
  const extra = new Map<string, GridMetric>();
  for (const b of baselines) {
    for (const m of [...(b.checkpoint?.metrics ?? []), ...b.annealed.flatMap((a) => a.metrics)]) {
      if (!known.has(m.name) && !extra.has(m.name)) extra.set(m.name, { name: m.name, composite: m.composite, higherIsBetter: m.higherIsBetter });
    }
  }
  return [...metrics, ...extra.values()];
}

export default async function SweepPage({ params, searchParams }: Props) {
  await connection();
  const page = load((await params).id, toSearchParams(await searchParams));
  const { counts, state } = page;
  const active = page.status === "queued" || page.status === "running";
  const scored = page.metrics.length > 0;
  // Baselines may be scored before any merge is (or by metrics no cell has): show every metric either carries.
  const baselineMetrics = withBaselineMetrics(page.metrics, page.baselines);
  return (
    <>
      <AutoRefresh active={active} everyMs={5_000} />
      <PageHeader
        eyebrow={<Link href="/sweeps" className="hover:underline">← Sweeps</Link>}
        title={`Sweep #${page.id} · ${page.run}`}
        description={<Badge tone={page.status === "done" ? "ok" : page.status === "failed" ? "danger" : "accent"}>{page.status}</Badge>}
        actions={
          <>
            <Link href={`/sweeps/${page.id}/charts`} className={buttonClass("secondary")}>Charts</Link>
            <Link href={`/sweeps/${page.id}/prediction`} className={buttonClass("secondary")}>Prediction</Link>
            <SweepActions sweepId={page.id} failedCells={counts.failed + counts.cancelled} />
            {active ? (
              <form action={cancelSweepAction}>
                <input type="hidden" name="id" value={page.id} />
                <button className={buttonClass("secondary")}>Cancel</button>
              </form>
            ) : null}
          </>
        }
      />
      <div className="space-y-6">
        <SweepSummary counts={counts} cells={page.cells} evaluators={page.evaluators} />
        <Card
          title="Ablation grid"
          description={scored ? <Legend /> : "No scores yet: evaluations run once each merged model is published."}
          actions={<ViewSwitch state={state} />}
          padded={false}
        >
          {state.view === "table" && page.table ? (
            <>
              <GridToolbar sweepId={page.id} state={state} values={page.values} metrics={page.metrics} />
              <GridTable state={state} metrics={page.metrics} result={page.table} progress={page.progress} />
            </>
          ) : page.heatmap ? (
            <GridHeatmap state={state} input={page.heatmap.input} values={page.values} metrics={page.metrics} />
          ) : (
            <EmptyState title="Nothing to map yet" icon="▦">
              The heatmap needs scored cells. It fills in as evaluations finish.
            </EmptyState>
          )}
        </Card>
        {baselineMetrics.length > 0 ? (
          <Card title="Baselines" description="The un-merged models each delta is measured against." padded={false}>
            <BaselinesTable baselines={page.baselines} metrics={baselineMetrics} />
          </Card>
        ) : null}
      </div>
    </>
  );
}

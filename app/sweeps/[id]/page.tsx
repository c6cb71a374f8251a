import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "../../../db";
import { getConfig } from "../../../lib/env";
import { isPmaError } from "../../../lib/errors";
import { describeSweep, type SweepDetails } from "../../../lib/sweeps";
import { Badge, buttonClass, Card, PageHeader, Stat } from "../../components/ui";
import { cancelSweepAction, retrySweepAction } from "../actions";
import { CellsTable } from "../cells-table";
import { AutoRefresh } from "./auto-refresh";
import { MetricsTable } from "./metrics-table";

export const metadata: Metadata = { title: "Sweep" };

function load(id: string): SweepDetails {
  if (!/^\d+$/.test(id)) notFound();
  try {
    return describeSweep(getDb(), Number(id), getConfig().dataDir);
  } catch (error) {
    if (isPmaError(error) && error.code === "sweep_not_found") notFound();
    throw error;
  }
}

export default async function SweepPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const sweep = load((await params).id);
  const c = sweep.counts;
  const active = sweep.status === "queued" || sweep.status === "running";
  return (
    <>
      <AutoRefresh active={active} />
      <PageHeader
        eyebrow={<Link href="/sweeps" className="hover:underline">← Sweeps</Link>}
        title={`Sweep #${sweep.id} · ${sweep.run}`}
        description={<Badge tone={sweep.status === "done" ? "ok" : sweep.status === "failed" ? "danger" : "accent"}>{sweep.status}</Badge>}
        actions={
          <>
            {c.failed + c.cancelled > 0 ? (
              <form action={retrySweepAction}>
                <input type="hidden" name="id" value={sweep.id} />
                <button className={buttonClass("secondary")}>Retry failed</button>
              </form>
            ) : null}
            {active ? (
              <form action={cancelSweepAction}>
                <input type="hidden" name="id" value={sweep.id} />
                <button className={buttonClass("secondary")}>Cancel</button>
              </form>
            ) : null}
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <dl className="grid grid-cols-3 gap-6 sm:grid-cols-6">
            <Stat label="Cells" value={sweep.cells.length} />
            <Stat label="Done" value={c.done} />
            <Stat label="Running" value={c.running} />
            <Stat label="Queued" value={c.queued} />
            <Stat label="Failed" value={c.failed} />
            <Stat label="Infeasible" value={c.infeasible} />
          </dl>
        </Card>
        <Card title="Cells" description="Progress follows the fused pass each cell belongs to; see Jobs for logs." padded={false}>
          <CellsTable cells={sweep.cells} />
        </Card>
        {sweep.evaluators.length > 0 || sweep.cells.some((cell) => cell.metrics.length > 0) ? (
          <Card
            title="Scores"
            description={`Evaluators: ${sweep.evaluators.join(", ") || "none (imported scores)"}. Deltas are merged − baseline at the same T; green is better, whatever the metric's direction.`}
            padded={false}
          >
            <MetricsTable cells={sweep.cells} baselines={sweep.baselines} />
          </Card>
        ) : null}
      </div>
    </>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "../../../../db";
import { findRunById, findSweepById } from "../../../../db/queries";
import { getConfig } from "../../../../lib/env";
import { formFromGrid, listLaunchRuns } from "../../../../lib/sweeps";
import { PageHeader } from "../../../components/ui";
import { evaluatorOptions } from "../../evaluator-options";
import { LaunchForm } from "../../launch-form";

export const metadata: Metadata = { title: "Append cells" };

/** The launcher on an existing sweep: its grid prefilled, its run fixed; only cells it lacks are added. */
export default async function AppendPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  const db = getDb();
  const sweep = findSweepById(db, Number(id));
  const run = sweep ? findRunById(db, sweep.runId) : undefined;
  if (!sweep || !run) notFound();
  const runs = listLaunchRuns(db).runs.filter((candidate) => candidate.name === run.name);
  const { evaluators, problem } = evaluatorOptions(getConfig().dataDir);
  return (
    <>
      <PageHeader
        eyebrow={<Link href={`/sweeps/${sweep.id}`} className="hover:underline">← Sweep #{sweep.id}</Link>}
        title={`Append cells to sweep #${sweep.id}`}
        description={`Over ${run.name}. The form starts from the sweep's grid: add points, N, V or schemes, and the preview lists only the cells the sweep does not have yet.`}
      />
      <LaunchForm runs={runs} initial={formFromGrid(run.name, sweep.grid)} evaluators={evaluators} evaluatorsProblem={problem} sweepId={sweep.id} />
    </>
  );
}

import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { hasTimelineData } from "../../../lib/charts/timeline";
import { Card, Code, EmptyState } from "../../components/ui";
import { runNameFromSegments } from "../../components/run-href";
import { CheckpointTable } from "./checkpoint-table";
import { LastScan } from "./last-scan";
import { BranchList, RunFacts, RunTitle } from "./run-header";
import { loadRunPage } from "./run-data";
import { RescanButton } from "./rescan-button";
import { TimelineChart } from "./timeline-chart";

type Props = { params: Promise<{ name: string[] }> };

export async function generateMetadata({ params }: Props) {
  return { title: runNameFromSegments((await params).name) };
}

export default async function RunPage({ params }: Props) {
  await connection();
  const name = runNameFromSegments((await params).name);
  const data = loadRunPage(name);
  if (!data) notFound();
  const { run, parent, branches, checkpoints, timeline } = data;
  const present = checkpoints.filter((c) => c.status === "present").length;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <RunTitle run={run} parent={parent} />
        <RescanButton runName={run.name} disabled={!run.directory} />
      </div>

      <RunFacts data={data} />

      <Card title="Checkpoint timeline" description="Loss (left) and learning rate (right) against tokens. Diamonds mark checkpoints; bands show the schedule's phases.">
        {hasTimelineData(timeline) ? (
          <TimelineChart input={timeline} runName={run.name} />
        ) : (
          <EmptyState title="Nothing to plot yet" icon="〰">
            No checkpoints and no training log for this run. Add a <Code>train_log.jsonl</Code> beside the checkpoints and rescan.
          </EmptyState>
        )}
      </Card>

      {branches.length > 0 ? <BranchList branches={branches} /> : null}

      <Card title="Checkpoints" description={`${present} present${checkpoints.length > present ? `, ${checkpoints.length - present} missing on disk` : ""}`} padded={false}>
        {checkpoints.length > 0 ? (
          <Suspense>
            <CheckpointTable rows={checkpoints} />
          </Suspense>
        ) : (
          <EmptyState title="No checkpoints registered" icon="◇">
            {run.directory ? (
              <>
                The last scan of <Code>{run.directory}</Code> found no valid checkpoint. Add checkpoints there and press Rescan.
              </>
            ) : (
              <>
                This run has no directory yet. <Link href="/register" className="text-accent hover:underline">Register one</Link>.
              </>
            )}
          </EmptyState>
        )}
      </Card>

      <LastScan summary={run.lastScan} />
    </div>
  );
}

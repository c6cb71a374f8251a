import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { hasTimelineData } from "../../../lib/charts/timeline";
import { Card, Code, EmptyState } from "../../components/ui";
import { runNameFromSegments } from "../../components/run-href";
import { AutoRefresh } from "../../sweeps/[id]/auto-refresh";
import { CheckpointTable } from "./checkpoint-table";
import { InitList, LineageNote } from "./init-list";
import { LastScan } from "./last-scan";
import { BranchList, RunFacts, RunTitle } from "./run-header";
import { loadRunPage } from "./run-data";
import { RescanButton } from "./rescan-button";
import { PmaInitPanel } from "./pma-init-panel";
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
  const { run, parent, branches, checkpoints, timeline, spikes, inits, lineage } = data;
  const present = checkpoints.filter((c) => c.status === "present").length;
  const initsActive = inits.some((init) => init.status === "queued" || init.status === "running");

  return (
    <div className="space-y-6">
      <AutoRefresh active={initsActive} />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <RunTitle run={run} parent={parent} />
          {lineage ? <LineageNote lineage={lineage} /> : null}
        </div>
        <RescanButton runName={run.name} disabled={!run.directory} />
      </div>

      <RunFacts data={data} />

      <Card title="Checkpoint timeline" description="Loss (left) and learning rate (right) against tokens. Diamonds mark checkpoints; bands show the schedule's phases; red marks detected loss spikes.">
        {hasTimelineData(timeline) ? (
          <TimelineChart input={timeline} runName={run.name} />
        ) : (
          <EmptyState title="Nothing to plot yet" icon="〰">
            No checkpoints and no training log for this run. Add a <Code>train_log.jsonl</Code> beside the checkpoints and rescan.
          </EmptyState>
        )}
      </Card>

      {present > 0 ? (
        <Card
          title="Spike recovery and PMA-init"
          description="Merge the last k checkpoints before a loss spike (or up to any checkpoint) into a ready-to-resume checkpoint with its lineage. The paper recovered a destabilised run from the average of the three checkpoints before the collapse."
        >
          <PmaInitPanel runName={run.name} spikes={spikes} checkpoints={checkpoints.map(({ id, step, tokens, status }) => ({ id, step, tokens, status }))} />
        </Card>
      ) : null}

      {inits.length > 0 ? (
        <Card title="PMA-init checkpoints" description="Hugging Face layout (config, tokenizer, merged safetensors) with pma-init.json naming this run, the checkpoints, weights and recipe hash." padded={false}>
          <InitList inits={inits} />
        </Card>
      ) : null}

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

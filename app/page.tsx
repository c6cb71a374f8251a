import Link from "next/link";
import { connection } from "next/server";
import { getDb } from "../db";
import { listRuns, type RunSummary } from "../db/queries";
import { formatCount } from "../lib/format";
import { NoRuns } from "./components/no-runs";
import { runHref } from "./components/run-href";
import { formatAgo, requestTime } from "./components/time";
import { Badge, ButtonLink, Card, PageHeader, Stat } from "./components/ui";

// Enough cards to see the lab at a glance; the runs page lists the rest.
const maxCards = 9;

export default async function HomePage() {
  await connection();
  const runs = listRuns(getDb());
  const now = requestTime();
  const branches = runs.filter((run) => run.parentRunId !== null).length;
  const checkpoints = runs.reduce((sum, run) => sum + run.checkpointCount, 0);
  const furthest = runs.reduce<number | null>((max, run) => (run.maxTokens === null ? max : Math.max(max ?? 0, run.maxTokens)), null);
  const rejected = runs.reduce((sum, run) => sum + (run.lastScan?.rejected.length ?? 0), 0);

  return (
    <>
      <PageHeader
        title="Overview"
        description="Checkpoint merging experiments at a glance."
        actions={runs.length > 0 ? <ButtonLink href="/register" variant="secondary">Register checkpoints</ButtonLink> : null}
      />
      {runs.length === 0 ? (
        <Card>
          <NoRuns />
        </Card>
      ) : (
        <div className="space-y-8">
          <Card>
            <dl className="grid grid-cols-2 gap-6 sm:grid-cols-4">
              <Stat label="Runs" value={runs.length} hint={`${branches} branch${branches === 1 ? "" : "es"}`} />
              <Stat label="Checkpoints" value={checkpoints.toLocaleString("en-US")} />
              <Stat label="Furthest run" value={furthest === null ? "—" : `${formatCount(furthest)} tokens`} />
              <Stat label="Rejected files" value={rejected} hint="in the latest scans" />
            </dl>
          </Card>
          <section>
            <div className="mb-3 flex items-baseline justify-between">
              <h2 className="text-sm font-semibold">Runs</h2>
              <Link href="/runs" className="text-sm text-accent hover:underline">
                All runs →
              </Link>
            </div>
            <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {runs.slice(0, maxCards).map((run) => (
                <li key={run.id}>
                  <RunCard run={run} now={now} />
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}

function RunCard({ run, now }: { run: RunSummary; now: number }) {
  const range = run.minTokens === null || run.maxTokens === null ? "—" : `${formatCount(run.minTokens)} – ${formatCount(run.maxTokens)}`;
  return (
    <Link
      href={runHref(run.name)}
      className="block h-full rounded-xl border border-line bg-surface p-4 shadow-sm shadow-black/[0.03] transition-colors hover:border-accent/50"
    >
      <div className="flex items-start justify-between gap-2">
        <h3 className="truncate font-medium">{run.name}</h3>
        {run.kind ? <Badge tone="violet">{run.kind}</Badge> : null}
      </div>
      <p className="mt-0.5 truncate text-xs text-muted">
        {run.parentName ? `branch of ${run.parentName} @ ${formatCount(run.forkTokens)}` : `scanned ${formatAgo(run.lastScan?.at, now)}`}
      </p>
      <dl className="num mt-4 grid grid-cols-3 gap-2 text-sm">
        <div>
          <dt className="text-xs text-muted">checkpoints</dt>
          <dd className="font-semibold">{run.checkpointCount}</dd>
        </div>
        <div className="col-span-2">
          <dt className="text-xs text-muted">tokens</dt>
          <dd className="font-semibold">{range}</dd>
        </div>
      </dl>
    </Link>
  );
}

import Link from "next/link";
import type { Run } from "../../../db/schema";
import { formatBytes, formatCount } from "../../../lib/format";
import { formatLr } from "../../../lib/charts/format";
import { runHref } from "../../components/run-href";
import { Badge, Card, Stat } from "../../components/ui";
import { formatAgo } from "../../components/time";
import type { RunPageData } from "./run-data";

export function RunTitle({ run, parent }: { run: Run; parent: Run | null }) {
  return (
    <div className="min-w-0">
      <nav aria-label="Breadcrumb" className="mb-1 text-sm text-muted">
        <Link href="/runs" className="hover:text-fg">
          Runs
        </Link>
        <span aria-hidden> / </span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight break-all">{run.name}</h1>
        {run.kind ? <Badge tone="violet">{run.kind}</Badge> : null}
      </div>
      {parent ? (
        <p className="mt-1 text-sm text-muted">
          Branch of{" "}
          <Link href={runHref(parent.name)} className="font-medium text-accent hover:underline">
            {parent.name}
          </Link>{" "}
          forked at <span className="num font-medium text-fg">{formatCount(run.forkTokens)}</span> tokens
        </p>
      ) : null}
    </div>
  );
}

function scheduleText(run: Run): string {
  const s = run.schedule;
  if (!s) return "—";
  return `warmup ${s.warmupEnd} · stable ${s.stableEnd}${s.decayEnd !== undefined ? ` · decay ${s.decayEnd}` : ""}`;
}

export function RunFacts({ data }: { data: RunPageData }) {
  const { run, checkpoints, totalBytes } = data;
  const present = checkpoints.filter((c) => c.status === "present");
  const tokens = present.map((c) => c.tokens).filter((t): t is number => t !== null);
  const range = tokens.length > 0 ? `${formatCount(Math.min(...tokens))} – ${formatCount(Math.max(...tokens))}` : "—";
  const lrs = present.map((c) => c.lr).filter((lr): lr is number => lr !== null);
  return (
    <Card>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-5 sm:grid-cols-3 lg:grid-cols-6">
        <Stat label="Checkpoints" value={present.length} hint={checkpoints.length > present.length ? `${checkpoints.length - present.length} missing` : undefined} />
        <Stat label="Token range" value={range} />
        <Stat label="Params" value={formatCount(run.params ?? present[0]?.params)} />
        <Stat label="On disk" value={formatBytes(totalBytes)} />
        <Stat label="Tokens / step" value={run.tokensPerStep === null ? "—" : run.tokensPerStep.toLocaleString("en-US")} />
        <Stat label="Peak LR" value={formatLr(run.peakLr ?? (lrs.length > 0 ? Math.max(...lrs) : null))} />
      </dl>
      <dl className="mt-5 grid gap-x-6 gap-y-3 border-t border-line pt-4 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="text-muted">Directory</dt>
        <dd className="truncate font-mono text-xs leading-5" title={run.directory ?? undefined}>
          {run.directory ?? "—"}
        </dd>
        <dt className="text-muted">Schedule (steps)</dt>
        <dd className="num">{scheduleText(run)}</dd>
        <dt className="text-muted">Last scan</dt>
        <dd title={run.lastScan?.at}>{formatAgo(run.lastScan?.at)}</dd>
      </dl>
    </Card>
  );
}

export function BranchList({ branches }: { branches: Run[] }) {
  return (
    <Card title="Branches" description="Runs forked from this one (annealed baselines, typically). Their loss is drawn on the timeline.">
      <ul className="flex flex-wrap gap-2">
        {branches.map((branch) => (
          <li key={branch.id}>
            <Link href={runHref(branch.name)} className="flex items-center gap-2 rounded-lg border border-line px-3 py-1.5 text-sm hover:bg-subtle">
              <span className="font-medium">{branch.name}</span>
              <span className="num text-xs text-muted">@ {formatCount(branch.forkTokens)}</span>
              {branch.kind ? <Badge>{branch.kind}</Badge> : null}
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}

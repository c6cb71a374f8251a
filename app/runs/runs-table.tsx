import Link from "next/link";
import type { RunSummary } from "../../db/queries";
import { formatCount } from "../../lib/format";
import { runHref } from "../components/run-href";
import { formatAgo } from "../components/time";
import { Badge, tableClass } from "../components/ui";

function tokenRange(run: RunSummary): string {
  if (run.minTokens === null || run.maxTokens === null) return "—";
  return run.minTokens === run.maxTokens ? formatCount(run.minTokens) : `${formatCount(run.minTokens)} – ${formatCount(run.maxTokens)}`;
}

/** Every run, one row each: what it is, where it forks from, what it holds, and how its last scan went. */
export function RunsTable({ runs, now }: { runs: RunSummary[]; now: number }) {
  const { th, thNum, td, tdNum } = tableClass;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table} data-testid="runs-table">
        <thead>
          <tr>
            <th className={th}>Run</th>
            <th className={th}>Kind</th>
            <th className={th}>Branch of</th>
            <th className={thNum}>Checkpoints</th>
            <th className={thNum}>Tokens</th>
            <th className={thNum}>Params</th>
            <th className={th}>Last scan</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} className="hover:bg-subtle/60">
              <td className={td}>
                <Link href={runHref(run.name)} className="font-medium text-accent hover:underline">
                  {run.name}
                </Link>
              </td>
              <td className={td}>{run.kind ? <Badge tone="violet">{run.kind}</Badge> : <span className="text-muted">—</span>}</td>
              <td className={td}>
                {run.parentName ? (
                  <span>
                    <Link href={runHref(run.parentName)} className="hover:underline">
                      {run.parentName}
                    </Link>
                    <span className="num text-muted"> @ {formatCount(run.forkTokens)}</span>
                  </span>
                ) : (
                  <span className="text-muted">—</span>
                )}
              </td>
              <td className={tdNum}>
                {run.checkpointCount}
                {run.missingCount > 0 ? <span className="ml-1 text-xs text-warn">+{run.missingCount} missing</span> : null}
              </td>
              <td className={tdNum}>{tokenRange(run)}</td>
              <td className={tdNum}>{formatCount(run.params)}</td>
              <td className={td}>
                <span className="text-muted" title={run.lastScan?.at}>
                  {formatAgo(run.lastScan?.at, now)}
                </span>
                {run.lastScan && run.lastScan.rejected.length > 0 ? (
                  <span className="ml-2">
                    <Badge tone="danger">{run.lastScan.rejected.length} rejected</Badge>
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

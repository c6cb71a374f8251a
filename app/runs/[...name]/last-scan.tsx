import type { ScanSummary } from "../../../db/schema";
import { RejectedFiles } from "../../components/rejected-files";
import { formatAgo } from "../../components/time";
import { Card, Code } from "../../components/ui";

/** The last scan's counts and every file it refused, with the reason. */
export function LastScan({ summary }: { summary: ScanSummary | null }) {
  if (!summary) return null;
  const counts: [string, number][] = [
    ["added", summary.added],
    ["updated", summary.updated],
    ["missing", summary.missing],
    ["rejected", summary.rejected.length],
  ];
  return (
    <Card
      title="Last scan"
      description={
        <>
          {formatAgo(summary.at)} from <Code>{summary.directory}</Code>
        </>
      }
      actions={
        <p className="num text-xs text-muted">
          {counts.map(([label, value]) => `${value} ${label}`).join(" · ")}
        </p>
      }
    >
      {summary.rejected.length > 0 ? (
        <RejectedFiles rejected={summary.rejected} base={summary.directory} />
      ) : (
        <p className="text-sm text-muted">
          <span className="text-ok">✓</span> Every file in the directory was accepted.
        </p>
      )}
    </Card>
  );
}

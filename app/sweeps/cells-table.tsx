import { formatBytes } from "../../lib/format";
import { formatTokens } from "../../lib/merge/plan/tokens";
import type { CellView } from "../../lib/sweeps/show";
import { Badge, TableHead, tableClass, type Tone } from "../components/ui";
import { ProgressBar } from "../jobs/job-tables";
import { progressFraction } from "../jobs/format";

const tones: Record<string, Tone> = { done: "ok", running: "accent", queued: "neutral", failed: "danger", cancelled: "warn", infeasible: "neutral" };

/** One row per cell: the grid coordinates, its status (with progress while its pass runs) and its output or reason. */
export function CellsTable({ cells }: { cells: CellView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table}>
        <TableHead labels={["Scheme", "N", "V", "T", "Status", "Output / reason"]} />
        <tbody>
          {cells.map((cell) => (
            <tr key={cell.id}>
              <td className={`${tableClass.td} font-mono text-xs`}>{cell.scheme}</td>
              <td className={`${tableClass.td} num`}>{cell.n}</td>
              <td className={`${tableClass.td} num`}>{formatTokens(cell.interval)}</td>
              <td className={`${tableClass.td} num`}>{formatTokens(cell.point)}</td>
              <td className={tableClass.td}>
                <div className="flex items-center gap-2">
                  <Badge tone={tones[cell.status]}>{cell.status}</Badge>
                  {cell.status === "running" ? <ProgressBar fraction={progressFraction(cell.progress)} /> : null}
                </div>
              </td>
              <td className={`${tableClass.td} max-w-md truncate text-xs text-muted`} title={cell.reason ?? cell.output?.path ?? undefined}>
                {cell.feasible ? (cell.output ? `${formatBytes(cell.output.bytes)} · sha256 ${cell.output.sha256.slice(0, 12)}…` : cell.jobId ? `job #${cell.jobId}` : "") : cell.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

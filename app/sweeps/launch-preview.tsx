import { formatBytes } from "../../lib/format";
import { formatTokens } from "../../lib/merge/plan/tokens";
import type { LaunchPreview, PreviewCell } from "../../lib/sweeps/launch-preview";
import type { ReactNode } from "react";
import { Badge, TableHead, tableClass, type Tone } from "../components/ui";

/** Rows beyond this are summarised: a 10,000-cell grid must not freeze the page while it is being edited. */
const MAX_ROWS = 400;

const statusText: Record<string, { label: string; tone: Tone }> = {
  queued: { label: "new", tone: "accent" },
  done: { label: "reused", tone: "ok" },
  running: { label: "in flight", tone: "warn" },
  infeasible: { label: "infeasible", tone: "danger" },
};

function formatSeconds(seconds: number): string {
  if (seconds < 1) return "under 1 s";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** One figure of the estimate; unlike Stat, its explanation wraps instead of being cut off. */
function Figure({ label, value, children }: { label: string; value: ReactNode; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-muted">{label}</dt>
      <dd className="num mt-1 text-lg font-semibold">{value}</dd>
      <dd className="num text-xs text-muted">{children}</dd>
    </div>
  );
}

/** Distinct bytes to read, bytes to write, disk needed against free, time from the measured throughput. */
export function CostEstimate({ preview }: { preview: LaunchPreview }) {
  const { cost, counts } = preview;
  const { space } = cost;
  const available = space.freeBytes - space.reservedBytes - space.headroomBytes;
  return (
    <div className="space-y-3 p-5" data-testid="cost-estimate">
      <dl className="grid grid-cols-2 gap-x-6 gap-y-4 lg:grid-cols-4">
        <Figure label="To read" value={formatBytes(cost.distinctBytesToRead)}>
          {cost.distinctCheckpoints} distinct checkpoint{cost.distinctCheckpoints === 1 ? "" : "s"}
          {cost.bytesToRead !== cost.distinctBytesToRead ? ` (${formatBytes(cost.bytesToRead)} over ${cost.passes} passes that share some)` : ""}
        </Figure>
        <Figure label="To write" value={formatBytes(cost.bytesToWrite)}>
          {counts.newMerges} new merged model{counts.newMerges === 1 ? "" : "s"} in {cost.passes} fused pass{cost.passes === 1 ? "" : "es"}
        </Figure>
        <Figure label="Disk" value={<span className={cost.disk.ok ? "text-ok" : "text-danger"}>{cost.disk.ok ? "fits" : "too full"}</span>}>
          needs {formatBytes(space.needBytes)} of {formatBytes(Math.max(0, available))} usable: {formatBytes(space.freeBytes)} free, {formatBytes(space.reservedBytes)} reserved by queued jobs, {formatBytes(space.headroomBytes)} kept as headroom
        </Figure>
        <Figure label="Time" value={cost.seconds === null ? "not measured yet" : `≈ ${formatSeconds(cost.seconds)}`}>
          {cost.throughput
            ? `reading at ${formatBytes(Math.round(cost.throughput.bytesPerSecond))}/s, measured over the last ${cost.throughput.jobs} finished merge job${cost.throughput.jobs === 1 ? "" : "s"}`
            : "no merge has finished here yet, so there is no measured throughput to estimate from"}
        </Figure>
      </dl>
      {cost.disk.ok ? null : (
        <p role="alert" className="text-sm text-danger">
          {cost.disk.message}
        </p>
      )}
      {preview.warnings.map((warning) => (
        <p key={warning} className="rounded-md bg-warn-soft px-3 py-2 text-xs text-warn" data-testid="interval-warning">
          {warning}
        </p>
      ))}
    </div>
  );
}

function Inputs({ cell }: { cell: PreviewCell }) {
  if (!cell.feasible) return <span className="text-danger">{cell.reason}</span>;
  return (
    <ol className="flex flex-wrap gap-1" aria-label="Checkpoints merged, oldest first">
      {cell.inputs.map((input) => (
        <li key={input.checkpointId} className="rounded border border-line px-1.5 py-0.5 font-mono text-[11px]" title={input.offBy === 0 ? `exactly at T − ${formatTokens(cell.point - input.target)}` : `stands in for ${formatTokens(input.target)} (${input.offBy > 0 ? "+" : ""}${formatTokens(input.offBy)})`}>
          step {input.step} · {formatTokens(input.tokens)} · <span className="text-accent">{formatWeight(input.weight)}</span>
        </li>
      ))}
    </ol>
  );
}

/** Weights to 4 significant digits: 1/3 reads 0.3333, EMA's small oldest weights stay visible. */
export function formatWeight(weight: number): string {
  return Number(weight.toPrecision(4)).toString();
}

/** Every cell: its coordinates, what launching does with it, and the checkpoints and weights it merges or why not. */
export function PreviewTable({ cells }: { cells: PreviewCell[] }) {
  const shown = cells.slice(0, MAX_ROWS);
  return (
    <div className="overflow-x-auto">
      <table className={tableClass.table} data-testid="preview-table">
        <TableHead labels={["Scheme", "N", "V", "T", "Launch", "Checkpoints merged (oldest first) · weight, or why not"]} />
        <tbody>
          {shown.map((cell) => (
            <tr key={`${cell.scheme}|${cell.n}|${cell.interval}|${cell.point}`} data-recipe={cell.recipeHash ?? ""}>
              <td className={`${tableClass.td} font-mono text-xs`} title={cell.label}>
                {cell.scheme}
              </td>
              <td className={tableClass.tdNum}>{cell.n}</td>
              <td className={tableClass.tdNum}>{formatTokens(cell.interval)}</td>
              <td className={tableClass.tdNum}>{formatTokens(cell.point)}</td>
              <td className={tableClass.td}>
                <Badge tone={statusText[cell.status]?.tone ?? "neutral"}>{statusText[cell.status]?.label ?? cell.status}</Badge>
              </td>
              <td className={`${tableClass.tdWrap} text-xs`}>
                <Inputs cell={cell} />
                {cell.notes.length > 0 ? <p className="mt-1 text-muted">{cell.notes.join("; ")}</p> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cells.length > shown.length ? <p className="px-5 py-3 text-xs text-muted">Showing the first {shown.length} of {cells.length} cells; all of them are launched.</p> : null}
    </div>
  );
}

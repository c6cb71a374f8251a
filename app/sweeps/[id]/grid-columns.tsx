import { createColumnHelper, type ColumnDef } from "@tanstack/react-table";
import type { GridGroup, GridRow, RowMetric } from "../../../lib/sweeps/grid/query";
import type { GridMetric } from "../../../lib/sweeps/grid/data";
import { metricColumnId, type GridParam, type MetricColumnKind } from "../../../lib/sweeps/grid/state";
import { isImprovement } from "../../../lib/sweeps/direction";
import { Badge, type Tone } from "../../components/ui";
import { ProgressBar } from "../../jobs/job-tables";
import { formatMetric, formatParam, formatSigned } from "./format";
import { gridFeatures } from "./grid-features";

/** A table row: one cell of the sweep, or a group of cells (grouped view) whose open rows come as sub-rows. */
export type TableRow = { kind: "cell"; row: GridRow; progress: number | null } | { kind: "group"; group: GridGroup; subRows: TableRow[] };

// Columns of different value types live in one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GridColumn = ColumnDef<typeof gridFeatures, TableRow, any>;

const helper = createColumnHelper<typeof gridFeatures, TableRow>();

const statusTones: Record<string, Tone> = { done: "ok", running: "accent", queued: "neutral", failed: "danger", cancelled: "warn", infeasible: "neutral" };

function cellOf(row: TableRow): GridRow | null {
  return row.kind === "cell" ? row.row : null;
}

function paramColumn(param: GridParam, header: string, pick: (row: GridRow) => string | number): GridColumn {
  return helper.accessor((row) => {
    const cell = cellOf(row);
    return cell ? pick(cell) : undefined;
  }, {
    id: param,
    header,
    meta: { kind: "param", numeric: param === "n" || param === "v" || param === "t" },
    sortDescFirst: false,
    cell: (info) => {
      const value = info.getValue();
      return value === undefined ? null : <span className={param === "scheme" ? "font-mono text-xs" : ""}>{formatParam(param, value)}</span>;
    },
  });
}

function StatusCell({ row, progress }: { row: GridRow; progress: number | null }) {
  return (
    <div className="flex items-center gap-2" title={row.reason ?? undefined}>
      <Badge tone={statusTones[row.status]}>{row.status}</Badge>
      {row.status === "running" ? <ProgressBar fraction={progress} /> : null}
      {row.reason ? <span className="max-w-56 truncate text-xs text-muted">{row.reason}</span> : null}
    </div>
  );
}

/** value ± stderr, 4 significant digits. */
export function MetricValueText({ metric, showStderr }: { metric: RowMetric; showStderr: boolean }) {
  return (
    <span title={`${metric.value}${metric.stderr !== null ? ` ± ${metric.stderr}` : ""}`}>
      {formatMetric(metric.value)}
      {showStderr && metric.stderr !== null ? <span className="text-muted"> ± {formatMetric(metric.stderr)}</span> : null}
    </span>
  );
}

/** Green when the merge beats the baseline, red when it is worse, grey when the metric states no direction. */
export function DeltaText({ delta, higherIsBetter }: { delta: number; higherIsBetter: boolean | null }) {
  const better = isImprovement(delta, higherIsBetter);
  return (
    <span className={better === null ? "text-muted" : better ? "text-ok" : "text-danger"} data-better={better === null ? "unknown" : String(better)} title={String(delta)}>
      {formatSigned(delta)}
    </span>
  );
}

const kindLabels: Record<MetricColumnKind, string> = { m: "value", dc: "Δ ckpt", da: "Δ annealed" };

function metricColumn(metric: GridMetric, kind: MetricColumnKind, showStderr: boolean): GridColumn {
  const pick = (row: RowMetric) => (kind === "m" ? row.value : kind === "dc" ? row.deltaVsCheckpoint : row.deltaVsAnnealed);
  return helper.accessor((row) => {
    const cell = cellOf(row);
    const value = cell?.metrics[metric.name];
    return value ? (pick(value) ?? undefined) : undefined;
  }, {
    id: metricColumnId(kind, metric.name),
    header: kindLabels[kind],
    meta: { kind, numeric: true, metric },
    // Better first on the first click: ascending for a loss, descending for an accuracy.
    sortDescFirst: metric.higherIsBetter !== false,
    cell: (info) => {
      const cell = cellOf(info.row.original);
      const value = cell?.metrics[metric.name];
      if (!value) return <span className="text-muted">—</span>;
      if (kind === "m") return <MetricValueText metric={value} showStderr={showStderr} />;
      const delta = pick(value);
      return delta === null ? <span className="text-muted">—</span> : <DeltaText delta={delta} higherIsBetter={value.higherIsBetter} />;
    },
  });
}

export function buildGridColumns(metrics: GridMetric[], showStderr: boolean): GridColumn[] {
  return [
    paramColumn("scheme", "Scheme", (row) => row.scheme),
    paramColumn("n", "N", (row) => row.n),
    paramColumn("v", "V", (row) => row.interval),
    paramColumn("t", "T", (row) => row.point),
    helper.accessor((row) => cellOf(row)?.status, {
      id: "status",
      header: "Status",
      meta: { kind: "param", numeric: false },
      sortDescFirst: false,
      cell: (info) => (info.row.original.kind === "cell" ? <StatusCell row={info.row.original.row} progress={info.row.original.progress} /> : null),
    }),
    // One header group per metric over its value and its two deltas.
    ...metrics.map((metric) =>
      helper.group({
        id: `g:${metric.name}`,
        header: metric.name,
        meta: { kind: "group", numeric: true, metric },
        columns: [metricColumn(metric, "m", showStderr), metricColumn(metric, "dc", showStderr), metricColumn(metric, "da", showStderr)],
      }),
    ),
  ];
}

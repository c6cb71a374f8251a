import type { Column } from "@tanstack/react-table";
import type { GridGroup } from "../../../lib/sweeps/grid/query";
import { PARAM_LABELS } from "../../../lib/sweeps/grid/state";
import { tableClass } from "../../components/ui";
import { DeltaText, type TableRow } from "./grid-columns";
import type { gridFeatures } from "./grid-features";
import { formatMetric, formatParam } from "./format";

/** A group's header row: its value and cell count, and the best value of every metric column within it. */
export function GroupRow({ group, columns, paramCount, expanded, onToggle }: {
  group: GridGroup;
  columns: Column<typeof gridFeatures, TableRow, unknown>[];
  paramCount: number;
  expanded: boolean;
  onToggle: () => void;
}) {
  const label = `${PARAM_LABELS[group.param]} = ${formatParam(group.param, group.value)}`;
  return (
    <tr data-group={group.key} className="bg-subtle/50">
      <td colSpan={Math.max(1, paramCount)} className={tableClass.td}>
        <button type="button" onClick={onToggle} aria-expanded={expanded} className="inline-flex items-center gap-2 font-medium hover:text-accent">
          <span aria-hidden className="w-3 text-muted">{expanded ? "▾" : "▸"}</span>
          <span className={group.param === "scheme" ? "font-mono text-xs" : ""}>{label}</span>
        </button>
        <span className="num ml-2 text-xs text-muted">{group.count.toLocaleString("en-US")} cells</span>
      </td>
      {columns.map((column) => {
        const meta = column.columnDef.meta;
        const best = group.best[column.id];
        return (
          <td key={column.id} data-column={column.id} className={`${tableClass.tdNum} ${meta?.kind === "m" ? "border-l border-line/70" : ""}`} title="best in this group">
            {best === undefined ? (
              <span className="text-muted">—</span>
            ) : (
              <span className="inline-flex items-baseline gap-1">
                <span className="text-[10px] uppercase text-muted">best</span>
                {meta?.kind === "m" ? formatMetric(best) : <DeltaText delta={best} higherIsBetter={meta?.metric?.higherIsBetter ?? null} />}
              </span>
            )}
          </td>
        );
      })}
    </tr>
  );
}

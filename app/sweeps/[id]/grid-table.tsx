"use client";

import Link from "next/link";
import { Fragment, useMemo } from "react";
import { functionalUpdate, useTable, type ExpandedState, type PaginationState, type SortingState, type Updater, type ColumnVisibilityState } from "@tanstack/react-table";
import type { GridMetric } from "../../../lib/sweeps/grid/data";
import type { GridResult } from "../../../lib/sweeps/grid/query";
import { isColumnShown, PARAM_LABELS, type GridState } from "../../../lib/sweeps/grid/state";
import { SortableTh } from "../../components/sortable-th";
import { tableClass } from "../../components/ui";
import { buildGridColumns, type TableRow } from "./grid-columns";
import { gridFeatures } from "./grid-features";
import { GroupRow } from "./group-row";
import { GridPager } from "./grid-pager";
import { useGridNavigation } from "./use-grid-navigation";

function toTableRows(result: GridResult, progress: Record<number, number | null>): TableRow[] {
  const cell = (row: GridResult["rows"][number]): TableRow => ({ kind: "cell", row, progress: progress[row.id] ?? null });
  if (!result.groups) return result.rows.map(cell);
  return result.groups.map((group) => ({ kind: "group", group, subRows: (group.rows ?? []).map(cell) }));
}

/** A metric's name over its value and deltas: as written (names are case-sensitive), not upper-cased. */
const groupHeaderClass = tableClass.th.replace("uppercase", "normal-case").replace("tracking-wide", "");

const rowId = (row: TableRow) => (row.kind === "cell" ? `c${row.row.id}` : `g:${row.group.key}`);

/**
 * The ablation grid: TanStack Table in manual mode over one server-rendered page. Every interaction — sort, page,
 * open a group — becomes a URL change (useGridNavigation), and the server answers with the new page.
 */
export function GridTable({ state, metrics, result, progress }: { state: GridState; metrics: GridMetric[]; result: GridResult; progress: Record<number, number | null> }) {
  const { go, hrefFor, pending } = useGridNavigation(state);
  const showStderr = !state.hide.includes("stderr");
  const columns = useMemo(() => buildGridColumns(metrics, showStderr), [metrics, showStderr]);
  const data = useMemo(() => toTableRows(result, progress), [result, progress]);
  const sorting: SortingState = state.sort ? [{ id: state.sort.column, desc: state.sort.desc }] : [];
  const pagination: PaginationState = { pageIndex: result.page - 1, pageSize: result.size };
  const columnVisibility: ColumnVisibilityState = Object.fromEntries(
    metrics.flatMap((m) => (["m", "dc", "da"] as const).map((kind) => [`${kind}:${m.name}`, isColumnShown(state.hide, `${kind}:${m.name}`)])),
  );
  const expanded: ExpandedState = Object.fromEntries((result.groups ?? []).filter((g) => g.rows !== null).map((g) => [`g:${g.key}`, true]));

  const table = useTable({
    features: gridFeatures,
    columns,
    data,
    getRowId: rowId,
    getSubRows: (row) => (row.kind === "group" ? row.subRows : undefined),
    getRowCanExpand: (row) => row.original.kind === "group",
    state: { sorting, pagination, columnVisibility, expanded },
    manualSorting: true,
    manualPagination: true,
    paginateExpandedRows: false,
    // The URL owns this state: TanStack must not reset it when a new page arrives (that would navigate again).
    autoResetAll: false,
    rowCount: result.groups ? result.groupCount : result.total,
    enableSortingRemoval: true,
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = functionalUpdate(updater, sorting)[0];
      go({ sort: next ? { column: next.id, desc: next.desc } : null });
    },
    onPaginationChange: (updater: Updater<PaginationState>) => {
      const next = functionalUpdate(updater, pagination);
      go(next.pageSize !== pagination.pageSize ? { size: next.pageSize } : { page: next.pageIndex + 1 });
    },
    onExpandedChange: (updater: Updater<ExpandedState>) => {
      const next = functionalUpdate(updater, expanded);
      const open = next === true ? (result.groups ?? []).map((g) => g.key) : Object.keys(next).filter((id) => next[id]).map((id) => id.slice(2));
      // Groups open on other pages stay open.
      const elsewhere = state.open.filter((key) => !(result.groups ?? []).some((g) => g.key === key));
      go({ open: [...elsewhere, ...open] });
    },
  });

  const leafCount = table.getVisibleLeafColumns().length;
  const paramCount = table.getVisibleLeafColumns().filter((c) => c.columnDef.meta?.kind === "param").length;
  const rows = table.getRowModel().rows;
  const metricLeaves = table.getVisibleLeafColumns().filter((c) => c.columnDef.meta?.kind !== "param");
  const renderCellRow = (row: (typeof rows)[number]) =>
    row.original.kind === "cell" ? (
      <tr key={row.id} data-cell={row.original.row.id} className={`hover:bg-subtle/60 ${row.depth > 0 ? "bg-subtle/30" : ""}`}>
        {row.getVisibleCells().map((cell) => {
          const meta = cell.column.columnDef.meta;
          return (
            <td
              key={cell.id}
              data-column={cell.column.id}
              className={`${meta?.numeric ? tableClass.tdNum : tableClass.td} ${meta?.kind === "m" ? "border-l border-line/70" : ""} ${row.depth > 0 && cell.column.id === "scheme" ? "pl-9" : ""}`}
            >
              <table.FlexRender cell={cell} />
            </td>
          );
        })}
      </tr>
    ) : null;
  return (
    <div className={pending ? "opacity-60 transition-opacity" : "transition-opacity"} aria-busy={pending}>
      <div className="overflow-x-auto">
        <table className={tableClass.table} data-testid="grid-table">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const meta = header.column.columnDef.meta;
                  if (header.isPlaceholder) return <th key={header.id} colSpan={header.colSpan} className={`${tableClass.th} border-b-0`} />;
                  if (meta?.kind === "group") {
                    return (
                      <th key={header.id} colSpan={header.colSpan} className={`${groupHeaderClass} border-l border-line text-center`} title={meta.metric?.higherIsBetter === null ? "direction unknown" : meta.metric?.higherIsBetter ? "higher is better" : "lower is better"}>
                        <table.FlexRender header={header} /> <span className="text-muted">{meta.metric?.higherIsBetter === null ? "" : meta.metric?.higherIsBetter ? "↑" : "↓"}</span>
                      </th>
                    );
                  }
                  const sorted = header.column.getIsSorted();
                  const first = meta?.kind === "m";
                  return (
                    <SortableTh
                      key={header.id}
                      sorted={sorted}
                      onSort={header.column.getToggleSortingHandler()}
                      numeric={meta?.numeric}
                      colSpan={header.colSpan}
                      column={header.column.id}
                      className={first ? "border-l border-line" : undefined}
                    >
                      <table.FlexRender header={header} />
                    </SortableTh>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows
              .filter((row) => row.depth === 0)
              .map((row) => {
                if (row.original.kind === "cell") return renderCellRow(row);
                const group = row.original.group;
                const open = row.getIsExpanded();
                return (
                  <Fragment key={row.id}>
                    <GroupRow group={group} columns={metricLeaves} paramCount={paramCount} expanded={open} onToggle={row.getToggleExpandedHandler()} />
                    {open ? row.subRows.map(renderCellRow) : null}
                    {open && group.more > 0 ? (
                      <tr>
                        <td colSpan={leafCount} className={`${tableClass.td} pl-9 text-xs text-muted`}>
                          {group.more.toLocaleString("en-US")} more in this group ·{" "}
                          <Link className="text-accent hover:underline" href={hrefFor({ filters: { ...state.filters, [group.param]: group.value }, group: null })} scroll={false}>
                            show all {group.count.toLocaleString("en-US")} as a table
                          </Link>
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="px-5 py-8 text-center text-sm text-muted">No cell matches these filters.</p> : null}
      </div>
      <GridPager
        table={table}
        result={result}
        label={result.groups ? `groups by ${PARAM_LABELS[state.group!]}` : "cells"}
      />
    </div>
  );
}

"use client";

import { useState } from "react";
import { useSearchParams } from "next/navigation";
import { functionalUpdate, useTable, type SortingState, type Updater } from "@tanstack/react-table";
import { SortableTh } from "../../components/sortable-th";
import { tableClass } from "../../components/ui";
import { checkpointColumns, searchableColumns, sortableColumns } from "./checkpoint-columns";
import { checkpointFeatures } from "./checkpoint-features";
import type { CheckpointRow } from "./run-data";
import { phases, readTableState, writeTableState, type TableUrlState } from "./table-url-state";

/**
 * The run's checkpoints, sortable and filterable. State starts from the URL and every change is written back
 * with history.replaceState: the link stays shareable, and Next keeps useSearchParams in sync without a
 * server round trip per keystroke.
 */
export function CheckpointTable({ rows }: { rows: CheckpointRow[] }) {
  const searchParams = useSearchParams();
  const [state, setState] = useState<TableUrlState>(() => readTableState(new URLSearchParams(searchParams.toString()), sortableColumns));

  const update = (patch: Partial<TableUrlState>) => {
    const next = { ...state, ...patch };
    setState(next);
    const query = writeTableState(new URLSearchParams(window.location.search), next);
    window.history.replaceState(null, "", `${window.location.pathname}${query}`);
  };

  const table = useTable({
    features: checkpointFeatures,
    columns: checkpointColumns,
    data: rows,
    getRowId: (row) => String(row.id),
    state: {
      sorting: state.sorting,
      columnFilters: state.phase ? [{ id: "phase", value: state.phase }] : [],
      globalFilter: state.query,
    },
    onSortingChange: (updater: Updater<SortingState>) => update({ sorting: functionalUpdate(updater, state.sorting) }),
    globalFilterFn: "includesString",
    getColumnCanGlobalFilter: (column) => searchableColumns.has(column.id),
    enableSortingRemoval: true,
  });

  const shown = table.getRowModel().rows;
  return (
    <div>
      <div className="flex flex-wrap items-center gap-3 border-b border-line px-5 py-3">
        <label className="flex items-center gap-2 text-sm">
          <span className="text-muted">Phase</span>
          <select
            name="phase"
            value={state.phase}
            onChange={(event) => update({ phase: event.target.value })}
            className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
          >
            <option value="">All phases</option>
            {phases.map((phase) => (
              <option key={phase} value={phase}>
                {phase}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          name="q"
          value={state.query}
          onChange={(event) => update({ query: event.target.value })}
          placeholder="Filter by step, tokens, dtype, hash…"
          aria-label="Filter checkpoints"
          className="min-w-56 flex-1 rounded-md border border-line bg-surface px-3 py-1.5 text-sm placeholder:text-muted"
        />
        <span className="num ml-auto text-xs text-muted" aria-live="polite">
          {shown.length === rows.length ? `${rows.length} checkpoints` : `${shown.length} of ${rows.length} checkpoints`}
        </span>
      </div>
      <div className="overflow-x-auto">
        <table className={tableClass.table} data-testid="checkpoint-table">
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const numeric = header.column.columnDef.meta?.numeric;
                  return (
                    <SortableTh key={header.id} sorted={sorted} onSort={header.column.getToggleSortingHandler()} numeric={numeric}>
                      <table.FlexRender header={header} />
                    </SortableTh>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.id} className={`hover:bg-subtle/60 ${row.original.status === "missing" ? "opacity-60" : ""}`}>
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={cell.column.columnDef.meta?.numeric ? tableClass.tdNum : tableClass.td}>
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 ? <p className="px-5 py-8 text-center text-sm text-muted">No checkpoint matches these filters.</p> : null}
      </div>
    </div>
  );
}

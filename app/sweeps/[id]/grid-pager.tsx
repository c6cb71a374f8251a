"use client";

import type { Table } from "@tanstack/react-table";
import type { GridResult } from "../../../lib/sweeps/grid/query";
import { PAGE_SIZES } from "../../../lib/sweeps/grid/state";
import { buttonClass } from "../../components/ui";
import type { TableRow } from "./grid-columns";
import type { gridFeatures } from "./grid-features";

/** Page controls under the grid: where we are, previous / next, and how many rows (or groups) a page holds. */
export function GridPager({ table, result, label }: { table: Table<typeof gridFeatures, TableRow>; result: GridResult; label: string }) {
  const count = result.groups ? result.groupCount : result.total;
  const first = count === 0 ? 0 : (result.page - 1) * result.size + 1;
  const last = Math.min(count, result.page * result.size);
  const small = `${buttonClass("secondary")} px-2.5 py-1 text-xs`;
  return (
    <div className="flex flex-wrap items-center gap-3 border-t border-line px-5 py-3 text-sm">
      <span className="num text-muted" data-testid="grid-range">
        {first.toLocaleString("en-US")}–{last.toLocaleString("en-US")} of {count.toLocaleString("en-US")} {label}
        {result.groups ? ` (${result.total.toLocaleString("en-US")} cells)` : ""}
      </span>
      <div className="ml-auto flex items-center gap-2">
        <button type="button" className={small} onClick={() => table.firstPage()} disabled={!table.getCanPreviousPage()} aria-label="First page">«</button>
        <button type="button" className={small} onClick={() => table.previousPage()} disabled={!table.getCanPreviousPage()}>Previous</button>
        <span className="num text-xs text-muted">
          page {result.page} of {result.pageCount}
        </span>
        <button type="button" className={small} onClick={() => table.nextPage()} disabled={!table.getCanNextPage()}>Next</button>
        <button type="button" className={small} onClick={() => table.lastPage()} disabled={!table.getCanNextPage()} aria-label="Last page">»</button>
        <label className="flex items-center gap-2 text-xs text-muted">
          Per page
          <select value={result.size} onChange={(event) => table.setPageSize(Number(event.target.value))} className="rounded-md border border-line bg-surface px-2 py-1 text-sm text-fg">
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

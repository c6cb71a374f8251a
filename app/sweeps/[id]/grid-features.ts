import { columnVisibilityFeature, createExpandedRowModel, rowExpandingFeature, rowPaginationFeature, rowSortingFeature, tableFeatures } from "@tanstack/react-table";
import type { GridMetric } from "../../../lib/sweeps/grid/data";

export interface GridColumnMeta {
  kind: "param" | "group" | "m" | "dc" | "da";
  numeric: boolean;
  metric?: GridMetric;
}

/**
 * The grid table's features (module scope: TanStack needs a stable registry). Sorting and paging are manual —
 * the server sorts and pages — and grouped rows come from the server with their open members as sub-rows.
 */
export const gridFeatures = tableFeatures({
  rowSortingFeature,
  rowPaginationFeature,
  columnVisibilityFeature,
  rowExpandingFeature,
  expandedRowModel: createExpandedRowModel(),
  columnMeta: {} as GridColumnMeta,
});

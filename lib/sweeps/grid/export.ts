import type { CsvValue } from "../../export/csv";
import type { GridData } from "./data";
import { collectGridRows, type GridRow, type RowMetric } from "./query";
import { isColumnShown, metricColumnId, type GridState } from "./state";

/**
 * The current table view as a flat table — every matching row in view order (not one page, not grouped) with the
 * columns the view shows — for CSV and JSON downloads. Numbers are exact (not rounded for display); tokens are
 * whole token counts.
 */
export interface ExportTable {
  header: string[];
  rows: CsvValue[][];
}

interface ExportColumn {
  name: string;
  read: (row: GridRow) => CsvValue;
}

function metricColumns(data: GridData, state: GridState): ExportColumn[] {
  return data.metrics.flatMap((metric) => {
    const of = (row: GridRow): RowMetric | undefined => row.metrics[metric.name];
    const shown = (kind: "m" | "dc" | "da") => isColumnShown(state.hide, metricColumnId(kind, metric.name));
    if (!shown("m")) return [];
    return [
      { name: metric.name, read: (row: GridRow) => of(row)?.value },
      ...(state.hide.includes("stderr") ? [] : [{ name: `${metric.name}_stderr`, read: (row: GridRow) => of(row)?.stderr }]),
      ...(shown("dc") ? [{ name: `${metric.name}_delta_checkpoint`, read: (row: GridRow) => of(row)?.deltaVsCheckpoint }] : []),
      ...(shown("da") ? [{ name: `${metric.name}_delta_annealed`, read: (row: GridRow) => of(row)?.deltaVsAnnealed }] : []),
    ];
  });
}

export function gridExportColumns(data: GridData, state: GridState): ExportColumn[] {
  return [
    { name: "cell_id", read: (row) => row.id },
    { name: "scheme", read: (row) => row.scheme },
    { name: "n", read: (row) => row.n },
    { name: "v_tokens", read: (row) => row.interval },
    { name: "t_tokens", read: (row) => row.point },
    { name: "status", read: (row) => row.status },
    ...metricColumns(data, state),
    { name: "recipe_hash", read: (row) => row.recipeHash },
    { name: "reason", read: (row) => row.reason },
  ];
}

export function exportGridTable(data: GridData, state: GridState): ExportTable {
  const columns = gridExportColumns(data, state);
  return { header: columns.map((c) => c.name), rows: collectGridRows(data, state).map((row) => columns.map((c) => c.read(row) ?? null)) };
}

/** The same table as JSON objects keyed by column name (missing values are null). */
export function exportGridObjects(table: ExportTable): Record<string, CsvValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.header.map((name, i) => [name, row[i] ?? null])));
}

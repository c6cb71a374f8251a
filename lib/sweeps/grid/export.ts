import type { CsvValue } from "../../export/csv";
import type { GridData } from "./data";
import { filterCells, sortCells } from "./query";
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
  /** The value of the cell at `index` in the grid. */
  read: (index: number) => CsvValue;
}

const orNull = (x: number) => (Number.isNaN(x) ? null : x);

function metricColumns(data: GridData, state: GridState): ExportColumn[] {
  return data.metrics.flatMap((metric) => {
    const columns = data.columns.get(metric.name)!;
    const shown = (kind: "m" | "dc" | "da") => isColumnShown(state.hide, metricColumnId(kind, metric.name));
    if (!shown("m")) return [];
    return [
      { name: metric.name, read: (i: number) => orNull(columns.value[i]) },
      ...(state.hide.includes("stderr") ? [] : [{ name: `${metric.name}_stderr`, read: (i: number) => orNull(columns.stderr[i]) }]),
      ...(shown("dc") ? [{ name: `${metric.name}_delta_checkpoint`, read: (i: number) => orNull(columns.deltaVsCheckpoint[i]) }] : []),
      ...(shown("da") ? [{ name: `${metric.name}_delta_annealed`, read: (i: number) => orNull(columns.deltaVsAnnealed[i]) }] : []),
    ];
  });
}

export function gridExportColumns(data: GridData, state: GridState): ExportColumn[] {
  const cell = (i: number) => data.cells[i];
  return [
    { name: "cell_id", read: (i) => cell(i).id },
    { name: "scheme", read: (i) => cell(i).scheme },
    { name: "n", read: (i) => cell(i).n },
    { name: "v_tokens", read: (i) => cell(i).interval },
    { name: "t_tokens", read: (i) => cell(i).point },
    { name: "status", read: (i) => cell(i).status },
    ...metricColumns(data, state),
    { name: "recipe_hash", read: (i) => cell(i).recipeHash },
    { name: "reason", read: (i) => cell(i).reason },
  ];
}

/** Read straight from the grid's columns (no per-row objects): 10 000 rows × 20 columns in a few tens of ms. */
export function exportGridTable(data: GridData, state: GridState): ExportTable {
  const columns = gridExportColumns(data, state);
  const indices = sortCells(data, filterCells(data, state), state.sort);
  return { header: columns.map((c) => c.name), rows: indices.map((index) => columns.map((c) => c.read(index))) };
}

/** The same table as JSON objects keyed by column name (missing values are null). */
export function exportGridObjects(table: ExportTable): Record<string, CsvValue>[] {
  return table.rows.map((row) => Object.fromEntries(table.header.map((name, i) => [name, row[i] ?? null])));
}

import type { GridCell, GridData } from "./data";
import { parseColumnId, type GridParam, type GridSort, type GridState } from "./state";

/**
 * Filtering, sorting, grouping and paging over a materialised grid (./data.ts). Pure and deterministic: missing
 * values sort last in either direction, ties keep the sweep's own cell order, so a page is the same page on every
 * request and in every export.
 */
export interface RowMetric {
  value: number;
  stderr: number | null;
  deltaVsCheckpoint: number | null;
  deltaVsAnnealed: number | null;
  higherIsBetter: boolean | null;
}

/** A cell of the grid with its scores. */
export interface GridRow extends GridCell {
  /** By metric name; absent where the cell has no score. */
  metrics: Record<string, RowMetric>;
}

export interface GridGroup {
  param: GridParam;
  key: string;
  value: string | number;
  count: number;
  /** Per metric column id (`m:`, `dc:`, `da:`): the best value in the group, by the metric's direction. */
  best: Record<string, number>;
  /** The group's first rows (by the current sort) when it is open, else null. */
  rows: GridRow[] | null;
  /** Rows of an open group not shown (more than a page). */
  more: number;
}

export interface GridResult {
  /** Cells matching the filters. */
  total: number;
  page: number;
  size: number;
  pageCount: number;
  /** The page's rows (ungrouped view). */
  rows: GridRow[];
  /** The page's groups (grouped view), else null. */
  groups: GridGroup[] | null;
  groupCount: number;
}

const nan = (x: number) => (Number.isNaN(x) ? null : x);

export function toGridRow(data: GridData, index: number): GridRow {
  const cell = data.cells[index];
  const metrics: Record<string, RowMetric> = {};
  for (const metric of data.metrics) {
    const column = data.columns.get(metric.name)!;
    const value = column.value[index];
    if (Number.isNaN(value)) continue;
    const direction = column.direction[index];
    metrics[metric.name] = {
      value,
      stderr: nan(column.stderr[index]),
      deltaVsCheckpoint: nan(column.deltaVsCheckpoint[index]),
      deltaVsAnnealed: nan(column.deltaVsAnnealed[index]),
      higherIsBetter: direction === -1 ? null : direction === 1,
    };
  }
  return { ...cell, metrics };
}

export function paramValue(data: GridData, index: number, param: GridParam): string | number {
  const cell = data.cells[index];
  return param === "scheme" ? cell.scheme : param === "n" ? cell.n : param === "v" ? cell.interval : param === "t" ? cell.point : cell.status;
}

/** The indices of the cells that pass every filter and every search term, in cell order. */
export function filterCells(data: GridData, state: Pick<GridState, "filters" | "query">): number[] {
  const { scheme, n, v, t, status } = state.filters;
  const terms = state.query.toLowerCase().split(/\s+/).filter(Boolean);
  const kept: number[] = [];
  data.cells.forEach((cell, index) => {
    if (scheme !== null && cell.scheme !== scheme) return;
    if (n !== null && cell.n !== n) return;
    if (v !== null && cell.interval !== v) return;
    if (t !== null && cell.point !== t) return;
    if (status !== null && cell.status !== status) return;
    if (terms.length > 0 && !terms.every((term) => data.text[index].includes(term))) return;
    kept.push(index);
  });
  return kept;
}

/** The sort key of every cell for a column: numbers (NaN = missing) or strings. */
export function columnKeys(data: GridData, column: string): Float64Array | string[] | null {
  const parsed = parseColumnId(column);
  if (!parsed) return null;
  if ("param" in parsed) {
    if (parsed.param === "scheme" || parsed.param === "status") return data.cells.map((cell) => (parsed.param === "scheme" ? cell.scheme : cell.status));
    return Float64Array.from(data.cells, (cell) => (parsed.param === "n" ? cell.n : parsed.param === "v" ? cell.interval : cell.point));
  }
  const columns = data.columns.get(parsed.metric);
  if (!columns) return null;
  return parsed.kind === "m" ? columns.value : parsed.kind === "dc" ? columns.deltaVsCheckpoint : columns.deltaVsAnnealed;
}

/** Sorts cell indices by `sort` (missing last either way, ties in cell order); without a sort, cell order. */
export function sortCells(data: GridData, indices: number[], sort: GridSort | null): number[] {
  const keys = sort ? columnKeys(data, sort.column) : null;
  const sorted = [...indices];
  if (!keys || !sort) return sorted.sort((a, b) => a - b);
  const sign = sort.desc ? -1 : 1;
  if (keys instanceof Float64Array) {
    return sorted.sort((a, b) => {
      const x = keys[a];
      const y = keys[b];
      const xMissing = Number.isNaN(x);
      const yMissing = Number.isNaN(y);
      if (xMissing || yMissing) return xMissing === yMissing ? a - b : xMissing ? 1 : -1;
      return x === y ? a - b : x < y ? -sign : sign;
    });
  }
  return sorted.sort((a, b) => (keys[a] === keys[b] ? a - b : keys[a] < keys[b] ? -sign : sign));
}

/** Whether a larger value of a metric column is better: deltas point the same way as their metric. */
export function columnHigherIsBetter(data: GridData, column: string): boolean | null {
  const parsed = parseColumnId(column);
  if (!parsed || "param" in parsed) return null;
  return data.metrics.find((m) => m.name === parsed.metric)?.higherIsBetter ?? null;
}

function metricColumnIds(data: GridData): string[] {
  return data.metrics.flatMap((m) => [`m:${m.name}`, `dc:${m.name}`, `da:${m.name}`]);
}

/** The best value of each metric column over `members`; for a column of unknown direction, the first by `sort`. */
function bestValues(data: GridData, members: number[], sort: GridSort | null): Record<string, number> {
  const best: Record<string, number> = {};
  for (const id of metricColumnIds(data)) {
    const keys = columnKeys(data, id) as Float64Array;
    const higher = columnHigherIsBetter(data, id) ?? (sort?.column === id ? sort.desc : null);
    if (higher === null) continue;
    let found = NaN;
    for (const index of members) {
      const x = keys[index];
      if (!Number.isNaN(x) && (Number.isNaN(found) || (higher ? x > found : x < found))) found = x;
    }
    if (!Number.isNaN(found)) best[id] = found;
  }
  return best;
}

function compareKeys(a: string | number, b: string | number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function groupCells(data: GridData, sorted: number[], state: GridState): GridGroup[] {
  const param = state.group!;
  const members = new Map<string, { value: string | number; indices: number[] }>();
  for (const index of sorted) {
    const value = paramValue(data, index, param);
    const key = String(value);
    const entry = members.get(key);
    if (entry) entry.indices.push(index);
    else members.set(key, { value, indices: [index] });
  }
  const sort = state.sort;
  const order = param === "scheme" ? data.values.scheme : param === "status" ? data.values.status : null;
  const groups = [...members.entries()].map(([key, { value, indices }]) => ({ key, value, indices, best: bestValues(data, indices, sort) }));
  const byKey = (a: (typeof groups)[number], b: (typeof groups)[number]) =>
    order ? order.indexOf(a.value as never) - order.indexOf(b.value as never) : compareKeys(a.value, b.value);
  groups.sort((a, b) => {
    if (sort?.column === param) return compareKeys(a.value, b.value) * (sort.desc ? -1 : 1) || byKey(a, b);
    if (sort && parseColumnId(sort.column) && !("param" in parseColumnId(sort.column)!)) {
      const x = a.best[sort.column];
      const y = b.best[sort.column];
      const xMissing = x === undefined;
      const yMissing = y === undefined;
      if (xMissing || yMissing) return xMissing === yMissing ? byKey(a, b) : xMissing ? 1 : -1;
      if (x !== y) return (x < y ? -1 : 1) * (sort.desc ? -1 : 1);
    }
    return byKey(a, b);
  });
  return groups.map(({ key, value, indices, best }) => {
    const open = state.open.includes(key);
    return {
      param,
      key,
      value,
      count: indices.length,
      best,
      rows: open ? indices.slice(0, state.size).map((index) => toGridRow(data, index)) : null,
      more: open ? Math.max(0, indices.length - state.size) : 0,
    };
  });
}

/** Every matching cell in view order, not one page: what the export writes. */
export function collectGridRows(data: GridData, state: GridState): GridRow[] {
  return sortCells(data, filterCells(data, state), state.sort).map((index) => toGridRow(data, index));
}

export function queryGrid(data: GridData, state: GridState): GridResult {
  const sorted = sortCells(data, filterCells(data, state), state.sort);
  const size = state.size;
  if (state.group) {
    const groups = groupCells(data, sorted, state);
    const pageCount = Math.max(1, Math.ceil(groups.length / size));
    const page = Math.min(state.page, pageCount);
    return { total: sorted.length, page, size, pageCount, rows: [], groups: groups.slice((page - 1) * size, page * size), groupCount: groups.length };
  }
  const pageCount = Math.max(1, Math.ceil(sorted.length / size));
  const page = Math.min(state.page, pageCount);
  const rows = sorted.slice((page - 1) * size, page * size).map((index) => toGridRow(data, index));
  return { total: sorted.length, page, size, pageCount, rows, groups: null, groupCount: 0 };
}

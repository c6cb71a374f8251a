/**
 * The ablation grid's state as it lives in the URL, so every view is a shareable link and the back button walks
 * through views: `?sort=m:heldout/loss.asc&scheme=wma&group=t&open=8000000&hide=stderr&page=2`. Pure: the page,
 * the export route and the client controls all read and write it through here. Unknown or malformed values fall
 * back to the default rather than failing: a hand-edited link still opens.
 */

export const GRID_PARAMS = ["scheme", "n", "v", "t", "status"] as const;
export type GridParam = (typeof GRID_PARAMS)[number];

export const PARAM_LABELS: Record<GridParam, string> = { scheme: "Scheme", n: "N", v: "V", t: "T", status: "Status" };

/** Column ids: a parameter, a metric (`m:<name>`), or its delta vs the latest checkpoint (`dc:`) or the annealed branch (`da:`). */
export type MetricColumnKind = "m" | "dc" | "da";

export function metricColumnId(kind: MetricColumnKind, metric: string): string {
  return `${kind}:${metric}`;
}

export function parseColumnId(id: string): { param: GridParam } | { kind: MetricColumnKind; metric: string } | null {
  if ((GRID_PARAMS as readonly string[]).includes(id)) return { param: id as GridParam };
  const match = /^(m|dc|da):(.+)$/s.exec(id);
  return match ? { kind: match[1] as MetricColumnKind, metric: match[2] } : null;
}

export const PAGE_SIZES = [25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

export type GridView = "table" | "heatmap";
export type HeatmapMode = "delta" | "value";

export interface GridSort {
  column: string;
  desc: boolean;
}

export interface GridFilters {
  scheme: string | null;
  n: number | null;
  v: number | null;
  t: number | null;
  status: string | null;
}

export interface GridState {
  view: GridView;
  sort: GridSort | null;
  filters: GridFilters;
  /** Free text; every whitespace-separated term must match. */
  query: string;
  group: GridParam | null;
  /** Expanded group keys. */
  open: string[];
  /** 1-based. */
  page: number;
  size: number;
  /** Hidden columns: `m:<metric>`, and the column families "stderr", "dc", "da". */
  hide: string[];
  heatmap: { t: number | null; scheme: string | null; metric: string | null; mode: HeatmapMode };
}

export const DEFAULT_GRID_STATE: GridState = {
  view: "table",
  sort: null,
  filters: { scheme: null, n: null, v: null, t: null, status: null },
  query: "",
  group: null,
  open: [],
  page: 1,
  size: DEFAULT_PAGE_SIZE,
  hide: [],
  heatmap: { t: null, scheme: null, metric: null, mode: "delta" },
};

function whole(text: string | null, min = 0): number | null {
  if (text === null || !/^\d+$/.test(text.trim())) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : null;
}

function text(value: string | null): string | null {
  return value === null || value.trim() === "" ? null : value;
}

export function readGridSort(value: string | null): GridSort | null {
  if (!value) return null;
  const dot = value.lastIndexOf(".");
  const column = dot > 0 ? value.slice(0, dot) : value;
  const direction = dot > 0 ? value.slice(dot + 1) : "asc";
  if (!parseColumnId(column) || (direction !== "asc" && direction !== "desc")) return null;
  return { column, desc: direction === "desc" };
}

/** Next's `searchParams` object as URLSearchParams (repeated keys stay repeated). */
export function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(record)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, item);
  }
  return params;
}

export function readGridState(params: URLSearchParams): GridState {
  const group = params.get("group");
  const size = whole(params.get("size"));
  return {
    view: params.get("view") === "heatmap" ? "heatmap" : "table",
    sort: readGridSort(params.get("sort")),
    filters: {
      scheme: text(params.get("scheme")),
      n: whole(params.get("n"), 1),
      v: whole(params.get("v")),
      t: whole(params.get("t")),
      status: text(params.get("status")),
    },
    query: params.get("q")?.trim() ?? "",
    group: (GRID_PARAMS as readonly string[]).includes(group ?? "") ? (group as GridParam) : null,
    open: [...new Set(params.getAll("open"))],
    page: whole(params.get("page"), 1) ?? 1,
    size: size !== null && (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
    hide: [...new Set(params.getAll("hide").filter((id) => id === "stderr" || id === "dc" || id === "da" || id.startsWith("m:")))],
    heatmap: {
      t: whole(params.get("ht")),
      scheme: text(params.get("hs")),
      metric: text(params.get("hm")),
      mode: params.get("hv") === "value" ? "value" : "delta",
    },
  };
}

/** The query string of `state`, defaults left out (so the plain page has a plain URL). */
export function writeGridState(state: GridState): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string | number | null) => {
    if (value !== null && value !== "") params.set(key, String(value));
  };
  if (state.view !== "table") set("view", state.view);
  if (state.sort) set("sort", `${state.sort.column}.${state.sort.desc ? "desc" : "asc"}`);
  for (const key of GRID_PARAMS) set(key, state.filters[key]);
  set("q", state.query.trim());
  set("group", state.group);
  if (state.group) for (const key of state.open) params.append("open", key);
  if (state.page !== 1) set("page", state.page);
  if (state.size !== DEFAULT_PAGE_SIZE) set("size", state.size);
  for (const id of state.hide) params.append("hide", id);
  set("ht", state.heatmap.t);
  set("hs", state.heatmap.scheme);
  set("hm", state.heatmap.metric);
  if (state.heatmap.mode !== "delta") set("hv", state.heatmap.mode);
  return params;
}

/** `state` with `patch` applied; any change other than paging goes back to page 1, a new grouping closes every group. */
export function patchGridState(state: GridState, patch: Partial<GridState>): GridState {
  const next = { ...state, ...patch };
  if (patch.page === undefined && (patch.sort !== undefined || patch.filters !== undefined || patch.query !== undefined || patch.group !== undefined || patch.size !== undefined)) next.page = 1;
  if (patch.group !== undefined && patch.group !== state.group) next.open = [];
  return next;
}

export function isColumnShown(hide: readonly string[], id: string): boolean {
  const column = parseColumnId(id);
  if (!column || "param" in column) return true;
  if (hide.includes(metricColumnId("m", column.metric))) return false;
  return column.kind === "m" || !hide.includes(column.kind);
}

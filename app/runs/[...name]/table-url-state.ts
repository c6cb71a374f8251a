import type { SortingState } from "@tanstack/react-table";

/**
 * The checkpoint table's state in the URL, so a sorted, filtered view is a shareable link:
 * `?sort=tokens.desc&phase=stable&q=bf16`.
 */
export interface TableUrlState {
  sorting: SortingState;
  phase: string;
  query: string;
}

export const phases = ["warmup", "stable", "decay"] as const;

export function readTableState(params: URLSearchParams, sortable: readonly string[]): TableUrlState {
  const [id, direction] = (params.get("sort") ?? "").split(".");
  const sorting = sortable.includes(id) ? [{ id, desc: direction === "desc" }] : [];
  const phase = params.get("phase") ?? "";
  return { sorting, phase: (phases as readonly string[]).includes(phase) ? phase : "", query: params.get("q") ?? "" };
}

/** The query string for `state`, keeping any unrelated parameters already in `current`. */
export function writeTableState(current: URLSearchParams, state: TableUrlState): string {
  const next = new URLSearchParams(current);
  const first = state.sorting[0];
  setOrDelete(next, "sort", first ? `${first.id}.${first.desc ? "desc" : "asc"}` : "");
  setOrDelete(next, "phase", state.phase);
  setOrDelete(next, "q", state.query.trim() === "" ? "" : state.query);
  const text = next.toString();
  return text === "" ? "" : `?${text}`;
}

function setOrDelete(params: URLSearchParams, key: string, value: string): void {
  if (value) params.set(key, value);
  else params.delete(key);
}

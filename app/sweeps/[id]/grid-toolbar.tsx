"use client";

import { useEffect, useState } from "react";
import type { GridData, GridMetric } from "../../../lib/sweeps/grid/data";
import { DEFAULT_GRID_STATE, GRID_PARAMS, PARAM_LABELS, metricColumnId, writeGridState, type GridFilters, type GridParam, type GridState } from "../../../lib/sweeps/grid/state";
import { buttonClass } from "../../components/ui";
import { formatParam } from "./format";
import { useGridNavigation } from "./use-grid-navigation";

type Navigate = ReturnType<typeof useGridNavigation>["go"];

const selectClass = "rounded-md border border-line bg-surface px-2 py-1.5 text-sm";

function FilterSelect({ param, value, options, onChange }: { param: GridParam; value: string | number | null; options: (string | number)[]; onChange: (value: string) => void }) {
  return (
    <label className="flex items-center gap-1.5 text-sm">
      <span className="text-muted">{PARAM_LABELS[param]}</span>
      <select aria-label={`Filter by ${PARAM_LABELS[param]}`} value={value === null ? "" : String(value)} onChange={(event) => onChange(event.target.value)} className={selectClass}>
        <option value="">all</option>
        {options.map((option) => (
          <option key={String(option)} value={String(option)}>
            {formatParam(param, option)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The search box: typing waits for a pause, then replaces the URL's `q` (one history entry per search, not per key). */
function SearchBox({ state, go }: { state: GridState; go: Navigate }) {
  const [text, setText] = useState(state.query);
  const [sent, setSent] = useState(state.query);
  const [seen, setSeen] = useState(state.query);
  // The URL changed under us (back button, a link): show its query unless it is the one we just sent.
  if (seen !== state.query) {
    setSeen(state.query);
    if (state.query !== sent) setText(state.query);
  }
  useEffect(() => {
    if (text.trim() === state.query) return;
    const timer = setTimeout(() => {
      setSent(text.trim());
      go({ query: text }, { replace: true });
    }, 400);
    return () => clearTimeout(timer);
  }, [text, state.query, go]);
  return (
    <input
      type="search"
      value={text}
      onChange={(event) => setText(event.target.value)}
      placeholder="Search: scheme, n=4, t=1.2m, status, reason, hash…"
      aria-label="Search cells"
      className="min-w-64 flex-1 rounded-md border border-line bg-surface px-3 py-1.5 text-sm placeholder:text-muted"
    />
  );
}

function ColumnChooser({ state, metrics, go }: { state: GridState; metrics: GridMetric[]; go: Navigate }) {
  const toggle = (id: string, shown: boolean) => go({ hide: shown ? state.hide.filter((h) => h !== id) : [...state.hide, id] });
  const families: [string, string][] = [
    ["stderr", "± stderr"],
    ["dc", "Δ vs latest checkpoint"],
    ["da", "Δ vs annealed"],
  ];
  return (
    <details className="relative">
      <summary className={`${buttonClass("secondary")} cursor-pointer list-none py-1.5`}>Columns</summary>
      <div className="absolute right-0 z-20 mt-1 w-72 rounded-lg border border-line bg-surface p-3 text-sm shadow-lg">
        <p className="mb-1 text-xs font-medium uppercase tracking-wide text-muted">Metrics</p>
        {metrics.map((metric) => {
          const id = metricColumnId("m", metric.name);
          return (
            <label key={id} className="flex items-center gap-2 py-0.5">
              <input type="checkbox" checked={!state.hide.includes(id)} onChange={(event) => toggle(id, event.target.checked)} />
              <span className="truncate">{metric.name}</span>
            </label>
          );
        })}
        <p className="mt-3 mb-1 text-xs font-medium uppercase tracking-wide text-muted">With each metric</p>
        {families.map(([id, label]) => (
          <label key={id} className="flex items-center gap-2 py-0.5">
            <input type="checkbox" checked={!state.hide.includes(id)} onChange={(event) => toggle(id, event.target.checked)} />
            {label}
          </label>
        ))}
      </div>
    </details>
  );
}

/** Filters, search, grouping, columns and downloads for the grid; each change is a new URL. */
export function GridToolbar({ sweepId, state: current, values, metrics }: { sweepId: number; state: GridState; values: GridData["values"]; metrics: GridMetric[] }) {
  const { go, state } = useGridNavigation(current);
  const setFilter = (param: GridParam, raw: string) => {
    const value = raw === "" ? null : param === "scheme" || param === "status" ? raw : Number(raw);
    go({ filters: { ...state.filters, [param]: value } as GridFilters });
  };
  const options: Record<GridParam, (string | number)[]> = { scheme: values.scheme, n: values.n, v: values.v, t: values.t, status: values.status };
  const filtered = GRID_PARAMS.some((p) => state.filters[p] !== null) || state.query !== "";
  const exportQuery = writeGridState({ ...state, view: "table", page: 1, group: null, open: [], heatmap: DEFAULT_GRID_STATE.heatmap }).toString();
  return (
    <div className="space-y-3 border-b border-line px-5 py-3">
      <div className="flex flex-wrap items-center gap-3">
        {GRID_PARAMS.map((param) => (
          <FilterSelect key={param} param={param} value={state.filters[param]} options={options[param]} onChange={(value) => setFilter(param, value)} />
        ))}
        {filtered ? (
          <button type="button" className="text-sm text-accent hover:underline" onClick={() => go({ filters: DEFAULT_GRID_STATE.filters, query: "" })}>
            Clear filters
          </button>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <SearchBox key={sweepId} state={current} go={go} />
        <label className="flex items-center gap-1.5 text-sm">
          <span className="text-muted">Group by</span>
          <select aria-label="Group by" value={state.group ?? ""} onChange={(event) => go({ group: (event.target.value || null) as GridParam | null })} className={selectClass}>
            <option value="">none</option>
            {GRID_PARAMS.map((param) => (
              <option key={param} value={param}>
                {PARAM_LABELS[param]}
              </option>
            ))}
          </select>
        </label>
        <ColumnChooser state={state} metrics={metrics} go={go} />
        <a className={`${buttonClass("secondary")} py-1.5`} href={`/api/sweeps/${sweepId}/grid?format=csv${exportQuery ? `&${exportQuery}` : ""}`} download>
          CSV
        </a>
        <a className={`${buttonClass("secondary")} py-1.5`} href={`/api/sweeps/${sweepId}/grid?format=json${exportQuery ? `&${exportQuery}` : ""}`} download>
          JSON
        </a>
      </div>
    </div>
  );
}

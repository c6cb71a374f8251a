"use client";

import { useMemo } from "react";
import { HeatmapChart } from "echarts/charts";
import { VisualMapContinuousComponent, VisualMapPiecewiseComponent } from "echarts/components";
import { use as registerParts } from "echarts/core";
import { buildHeatmapOption, type HeatmapInput } from "../../../lib/charts/heatmap";
import type { GridData, GridMetric } from "../../../lib/sweeps/grid/data";
import type { GridState } from "../../../lib/sweeps/grid/state";
import { EChart } from "../../components/echart";
import { formatParam } from "./format";
import { useGridNavigation } from "./use-grid-navigation";

// The heatmap's own ECharts parts, registered beside the one chart that uses them.
registerParts([HeatmapChart, VisualMapContinuousComponent, VisualMapPiecewiseComponent]);

const selectClass = "rounded-md border border-line bg-surface px-2 py-1.5 text-sm";

/** N × V for one T, scheme and metric; the pickers live in the URL like the table's state. */
export function GridHeatmap({ state: current, input, values, metrics }: { state: GridState; input: HeatmapInput; values: GridData["values"]; metrics: GridMetric[] }) {
  const { go, pending, state } = useGridNavigation(current);
  const option = useMemo(() => buildHeatmapOption(input), [input]);
  // What the pickers show: the choice just made, else what the server resolved.
  const shown = { t: state.heatmap.t ?? input.point, scheme: state.heatmap.scheme ?? input.scheme, metric: state.heatmap.metric ?? input.metric, mode: state.heatmap.mode };
  const pick = (patch: Partial<GridState["heatmap"]>) => go({ heatmap: { ...shown, ...patch } });
  const direction = input.higherIsBetter === null ? "direction unknown: colours say higher, not better" : input.higherIsBetter ? "higher is better" : "lower is better";
  return (
    <div className={pending ? "opacity-60 transition-opacity" : "transition-opacity"} aria-busy={pending}>
      <div className="flex flex-wrap items-center gap-3 border-b border-line px-5 py-3 text-sm">
        <label className="flex items-center gap-1.5">
          <span className="text-muted">T</span>
          <select aria-label="Heatmap T" value={shown.t} onChange={(e) => pick({ t: Number(e.target.value) })} className={selectClass}>
            {values.t.map((t) => (
              <option key={t} value={t}>
                {formatParam("t", t)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1.5">
          <span className="text-muted">Scheme</span>
          <select aria-label="Heatmap scheme" value={shown.scheme} onChange={(e) => pick({ scheme: e.target.value })} className={selectClass}>
            {values.scheme.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1.5">
          <span className="text-muted">Metric</span>
          <select aria-label="Heatmap metric" value={shown.metric} onChange={(e) => pick({ metric: e.target.value })} className={selectClass}>
            {metrics.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <div role="group" aria-label="Heatmap shows" className="flex overflow-hidden rounded-md border border-line">
          {(["delta", "value"] as const).map((mode) => (
            <button
              key={mode}
              type="button"
              aria-pressed={shown.mode === mode}
              onClick={() => pick({ mode })}
              className={`px-3 py-1.5 text-sm ${shown.mode === mode ? "bg-accent-soft text-accent" : "bg-surface text-muted hover:text-fg"}`}
            >
              {mode === "delta" ? "Δ vs latest checkpoint" : "Value"}
            </button>
          ))}
        </div>
        <span className="ml-auto text-xs text-muted">
          {input.metric}: {direction}
        </span>
      </div>
      <div className="p-4">
        <EChart option={option} height={Math.max(260, input.ns.length * 44 + 140)} label={`Heatmap of ${input.metric} over N and V at T = ${formatParam("t", input.point)} for ${input.scheme}`} />
        <p className="mt-2 text-xs text-muted">
          {input.mode === "delta" ? "Merged − the run's latest checkpoint at this T; 0 is white." : "Raw values."} Colours follow the metric&apos;s direction: green is better for a loss and for an accuracy alike. × infeasible · … not scored yet · — no baseline.
        </p>
      </div>
    </div>
  );
}

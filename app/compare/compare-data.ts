import { getDb } from "../../db";
import { beforeAfter, compareSchemes, mergeMetricInfos, pickRunMerge, restartWindow, schemeLabel, type BeforeAfterPanel, type RestartWindow, type RunMerge, type RunMergeMissing } from "../../lib/analysis";
import { listRestartedRuns, loadRestartCurves, loadTopLevelRunScores, type RestartedRun } from "../../lib/analysis-data";
import { thinPairs } from "../../lib/charts/series";
import { getConfig } from "../../lib/env";
import { readComposites } from "../../lib/sweeps/show";
import type { PickerOption } from "../components/url-pickers";

/** Everything the compare page shows, read in one place (server only). */

/** Panels beyond this are left out (a harness can score dozens of tasks); the page says how many. */
export const MAX_PANELS = 12;
/** Points per line sent to the page: ~4k keeps spikes (min/max buckets) and stays light. */
const MAX_LINE_POINTS = 4000;
export const SPIKE_SERIES = ["loss", "grad_norm"];

export interface BeforeAfterView {
  runOptions: PickerOption[];
  selectedRuns: string[];
  schemeOptions: PickerOption[];
  scheme: string;
  merges: RunMerge[];
  missing: RunMergeMissing[];
  panels: BeforeAfterPanel[];
  totalPanels: number;
}

export interface SpikeView {
  runOptions: PickerOption[];
  selected: RestartedRun | null;
  window: RestartWindow | null;
}

type Params = Record<string, string | string[] | undefined>;
const one = (params: Params, key: string) => (typeof params[key] === "string" ? (params[key] as string) : "");

export function loadBeforeAfter(params: Params): BeforeAfterView {
  const runs = loadTopLevelRunScores(getDb(), readComposites(getConfig().dataDir));
  const scheme = one(params, "scheme");
  const request = scheme ? { scheme } : {};
  const picked = runs.map((run) => ({ run, merge: pickRunMerge(run, request) }));
  const asked = one(params, "runs").split(",").filter(Boolean);
  // By default every run that has something to compare; an explicit list is taken as given.
  const selected = asked.length ? picked.filter((p) => asked.includes(p.run.run)) : picked.filter((p) => "config" in p.merge);
  const bySize = (a: { params: number | null; run: string }, b: { params: number | null; run: string }) => (a.params ?? Infinity) - (b.params ?? Infinity) || a.run.localeCompare(b.run);
  const merges = selected.flatMap((p) => ("config" in p.merge ? [p.merge] : [])).sort(bySize);
  const missing = selected.flatMap((p) => ("reason" in p.merge ? [p.merge] : []));
  const metrics = mergeMetricInfos(selected.map((p) => p.run.metrics)).sort((a, b) => Number(b.composite) - Number(a.composite));
  const panels = beforeAfter(merges, metrics);
  return {
    runOptions: runs.map((r) => ({ value: r.run, label: r.run })),
    selectedRuns: selected.map((p) => p.run.run),
    schemeOptions: [{ value: "", label: "SMA where scored, else any" }, ...[...new Set(runs.flatMap((r) => r.cells.map((c) => c.scheme)))].sort(compareSchemes).map((s) => ({ value: s, label: schemeLabel(s) }))],
    scheme,
    merges,
    missing,
    panels: panels.slice(0, MAX_PANELS),
    totalPanels: panels.length,
  };
}

export function loadSpike(params: Params): SpikeView {
  const db = getDb();
  const restarted = listRestartedRuns(db);
  const asked = one(params, "spike");
  const selected = restarted.find((r) => r.run.name === asked) ?? restarted[0] ?? null;
  let window: RestartWindow | null = null;
  if (selected) {
    const curves = loadRestartCurves(db, selected, SPIKE_SERIES);
    const full = restartWindow(curves.original, curves.restarts, SPIKE_SERIES);
    window = full && { ...full, panels: full.panels.map((panel) => ({ ...panel, lines: panel.lines.map((line) => ({ ...line, points: thinPairs(line.points, MAX_LINE_POINTS) })) })) };
  }
  return { runOptions: restarted.map((r) => ({ value: r.run.name, label: r.run.name })), selected, window };
}

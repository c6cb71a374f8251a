import { configLabel, pickConfig } from "./configs";
import type { MergeConfig, MetricInfo, RunScores } from "./types";

/**
 * What a chart page shows when the URL asks for a metric and a merge configuration: the request where the data
 * has it, otherwise the nearest sensible choice — with a note saying what was asked and what is shown instead,
 * never a silent substitute.
 */
export interface SelectionRequest {
  metric?: string;
  scheme?: string;
  n?: number;
  interval?: number;
}

export interface Selection {
  metric: MetricInfo | null;
  config: MergeConfig | null;
  notes: string[];
}

/** Metrics the merges are scored on first, composites (the paper's "overall") ahead of single benchmarks. */
export function rankMetrics(data: RunScores): MetricInfo[] {
  const onCells = new Set(data.cells.flatMap((c) => Object.keys(c.scores)));
  const rank = (m: MetricInfo) => (onCells.has(m.name) ? 0 : 2) + (m.composite ? 0 : 1);
  return [...data.metrics].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function resolveSelection(data: RunScores, request: SelectionRequest): Selection {
  const notes: string[] = [];
  const ranked = rankMetrics(data);
  let metric = request.metric ? (ranked.find((m) => m.name === request.metric) ?? null) : null;
  if (request.metric && !metric) notes.push(`Nothing here is scored on "${request.metric}"${ranked[0] ? `; showing ${ranked[0].name}` : ""}.`);
  metric ??= ranked[0] ?? null;
  if (!metric) return { metric: null, config: null, notes };

  const wanted: Partial<MergeConfig> = {};
  if (request.scheme !== undefined) wanted.scheme = request.scheme;
  if (request.n !== undefined) wanted.n = request.n;
  if (request.interval !== undefined) wanted.interval = request.interval;
  let config = pickConfig(data.cells, metric.name, wanted);
  if (!config && Object.keys(wanted).length > 0) {
    config = pickConfig(data.cells, metric.name);
    const asked = [wanted.scheme, wanted.n !== undefined ? `N=${wanted.n}` : null, wanted.interval !== undefined ? `V=${wanted.interval}` : null].filter(Boolean).join(", ");
    notes.push(`No merge scored on ${metric.name} matches ${asked}${config ? `; showing ${configLabel(config)}` : ""}.`);
  }
  return { metric, config, notes };
}

/** Reads the request from URL search parameters (`metric`, `scheme`, `n`, `v`); malformed numbers are ignored. */
export function parseSelectionRequest(params: Readonly<Record<string, string | string[] | undefined>>): SelectionRequest {
  const one = (key: string) => {
    const value = params[key];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const integer = (key: string) => {
    const text = one(key);
    return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
  };
  return { metric: one("metric"), scheme: one("scheme"), n: integer("n"), interval: integer("v") };
}

import { notFound } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "../../../db";
import { listConfigAxes, parseSelectionRequest, rankMetrics, resolveSelection, schemeLabel, type Selection } from "../../../lib/analysis";
import { loadSweepScores, type SweepScores } from "../../../lib/analysis-data";
import { getConfig } from "../../../lib/env";
import { isPmaError } from "../../../lib/errors";
import { formatCount } from "../../../lib/format";
import { readComposites } from "../../../lib/sweeps/show";
import type { PickerOption } from "../../components/url-pickers";

/** What the sweep's charts and prediction pages read (server only): the sweep's scores and the URL's selection. */
export interface SweepResearch {
  sweep: SweepScores;
  selection: Selection;
  options: { metrics: PickerOption[]; schemes: PickerOption[]; ns: PickerOption[]; intervals: PickerOption[] };
}

/** The route props of the sweep's charts and prediction pages. */
export type ResearchPageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Reads a research page's sweep and selection at request time from its route props. */
export async function loadResearchPage({ params, searchParams }: ResearchPageProps): Promise<SweepResearch> {
  await connection();
  const { id } = await params;
  return loadSweepResearch(id, await searchParams);
}

export function loadSweepResearch(id: string, searchParams: Record<string, string | string[] | undefined>): SweepResearch {
  if (!/^\d+$/.test(id)) notFound();
  let sweep: SweepScores;
  try {
    sweep = loadSweepScores(getDb(), Number(id), readComposites(getConfig().dataDir));
  } catch (error) {
    if (isPmaError(error) && error.code === "sweep_not_found") notFound();
    throw error;
  }
  const selection = resolveSelection(sweep.data, parseSelectionRequest(searchParams));
  const axes = listConfigAxes(sweep.data.cells);
  return {
    sweep,
    selection,
    options: {
      metrics: rankMetrics(sweep.data).map((m) => ({ value: m.name, label: m.composite ? `${m.name} (composite)` : m.name })),
      schemes: axes.schemes.map((s) => ({ value: s, label: schemeLabel(s) })),
      ns: axes.ns.map((n) => ({ value: String(n), label: String(n) })),
      intervals: axes.intervals.map((v) => ({ value: String(v), label: formatCount(v) })),
    },
  };
}

/** Whether any merged model of the sweep has a score at all. */
export function hasMergeScores(sweep: SweepScores): boolean {
  return sweep.data.cells.some((cell) => Object.keys(cell.scores).length > 0);
}

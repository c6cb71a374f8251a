import { formatCount } from "../format";
import type { ReportDataset } from "./dataset";
import { canonicalJson, DOCUMENT_VERSION, type ReportDocument, type Section } from "./document";
import { directionOf } from "./gains";
import { annealingSection } from "./sections/annealing";
import { appendixSection, recipeListings } from "./sections/appendix";
import { makeContext } from "./sections/context";
import { guidelinesSection } from "./sections/guidelines";
import { analyseRestarts } from "./sections/restarts-analysis";
import { restartsSection } from "./sections/restarts";
import { schemesSection } from "./sections/schemes";
import { analyseSizes, sizeParts } from "./sections/sizes";
import { stagesSection } from "./sections/stages";
import { summarySection } from "./sections/summary";
import { windowSection } from "./sections/window";

/**
 * Builds the report document from a dataset: pure and deterministic (no clock, no randomness), so the same
 * snapshot always gives the same document and the same hash. With nothing scored, it still says what is there and
 * what is missing instead of failing.
 */
export function buildReportDocument(data: ReportDataset, options: { title?: string } = {}): ReportDocument {
  const ctx = makeContext(data);
  const scoreOf = (checkpointId: number) => {
    if (!data.metric) return null;
    const m = data.snapshot.metrics.find((row) => row.checkpointId === checkpointId && row.name === data.metric!.name);
    return m ? { value: m.value, stderr: m.stderr } : null;
  };
  const restarts = analyseRestarts(data, scoreOf);
  const sizes = ctx ? analyseSizes(ctx) : null;
  const sections: Section[] = ctx
    ? [summarySection(ctx), stagesSection(ctx), annealingSection(ctx), schemesSection(ctx), windowSection(ctx, sizeParts(ctx, sizes!))]
    : [unscoredSummary(data)];
  sections.push(restartsSection(restarts, data.metric?.name ?? null), guidelinesSection(ctx, sizes, restarts), appendixSection(data, data.metric ? directionOf(data.metric) : 1));
  const document: ReportDocument = {
    version: DOCUMENT_VERSION,
    title: options.title?.trim() || defaultTitle(data),
    scope: data.snapshot.scope,
    metric: data.metric ? { name: data.metric.name, higherIsBetter: data.metric.higherIsBetter, withStderr: data.metric.withStderr, scored: data.metric.scored } : null,
    covers: covers(data),
    sections,
    recipes: recipeListings(data),
  };
  // Normalised through its canonical JSON: non-finite numbers become null and absent keys vanish, so what the
  // renderers read is exactly what the hash covers.
  return JSON.parse(canonicalJson(document)) as ReportDocument;
}

function defaultTitle(data: ReportDataset): string {
  const sweeps = data.sweeps.map((s) => `sweep #${s.id} (${s.run.name})`);
  const runs = data.snapshot.scope.runNames.filter((name) => !data.sweeps.some((s) => s.run.name === name));
  return `PMA report — ${[...sweeps, ...runs].join(", ") || "empty scope"}`;
}

function covers(data: ReportDataset): string[] {
  const sweepLines = data.sweeps.map((s) => {
    const byStatus = new Map<string, number>();
    for (const c of s.cells) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
    const statuses = [...byStatus.entries()].sort().map(([status, n]) => `${n} ${status}`).join(", ");
    const scored = s.cells.filter((c) => c.score).length;
    return `Sweep #${s.id} on ${s.run.name}: ${s.cells.length} cells (${statuses || "none"}), ${scored} scored; ${s.points.length} merge points from ${formatCount(s.points[0]?.point)} to ${formatCount(s.points.at(-1)?.point)} tokens; status ${s.status}.`;
  });
  const runLines = data.runs.map((r) => {
    const facts = [r.kind, r.params ? `${formatCount(r.params)} params` : null, r.parent ? `forked from ${r.parent}${r.forkTokens !== null ? ` at ${formatCount(r.forkTokens)} tokens` : ""}` : null].filter(Boolean);
    return `Run ${r.name}${facts.length ? ` (${facts.join(", ")})` : ""}.`;
  });
  return [...sweepLines, ...runLines];
}

function unscoredSummary(data: ReportDataset): Section {
  const cells = data.sweeps.reduce((n, s) => n + s.cells.length, 0);
  const pending = data.sweeps.reduce((n, s) => n + s.cells.filter((c) => c.evaluation === "pending").length, 0);
  const failed = data.sweeps.reduce((n, s) => n + s.cells.filter((c) => c.evaluation === "failed").length, 0);
  const facts = [`${cells} cells in scope`, pending ? `${pending} evaluations still running` : null, failed ? `${failed} failed` : null].filter(Boolean).join(", ");
  return {
    id: "summary",
    title: "Summary",
    conclusions: [
      {
        kind: "missing",
        text: `Nothing in scope is scored yet (${facts}). Evaluate the sweep's merged models and their baselines (a sweep with evaluators does this as its merges land), then write the report again.`,
        evidence: ["cells"],
        uncertainty: null,
      },
    ],
    tables: [],
    figures: [],
    notes: [],
  };
}

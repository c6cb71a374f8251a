import type { LineSeriesSpec, Pair } from "../chart-spec";
import type { Conclusion, Figure, Table } from "../document";
import type { CellGain } from "../gains";
import { fitLine, type LineFit } from "../stats";
import * as w from "../words";
import type { SectionContext } from "./context";
import { compareFactor, type FactorComparison } from "./grouped";

/**
 * Best V (and N) per model size, and a fit of the best V against size set beside the paper's rule of thumb. The
 * reference points are the paper's (§4.3; MoE sizes by activated parameters): the data the rule rests on, not ours.
 */
export const PAPER_V_REFERENCE = [
  { label: "0.7B/7B", params: 0.7e9, interval: 4e9 },
  { label: "1.3B/13B", params: 1.3e9, interval: 8e9 },
  { label: "10B/100B", params: 10e9, interval: 80e9 },
];

export interface SizeResult {
  params: number;
  runs: string[];
  stage: "late" | "all";
  v: FactorComparison<number> | null;
  n: FactorComparison<number> | null;
}

export interface SizeFit {
  sizes: SizeResult[];
  fit: LineFit | null;
  paper: LineFit;
}

export function analyseSizes(ctx: SectionContext): SizeFit {
  const bySize = new Map<number, { runs: Set<string>; gains: { g: CellGain; sweep: number }[] }>();
  for (const { sweep, gains } of ctx.rankings.values()) {
    if (sweep.run.params === null || gains.length === 0) continue;
    const entry = bySize.get(sweep.run.params) ?? { runs: new Set<string>(), gains: [] };
    entry.runs.add(sweep.run.name);
    entry.gains.push(...gains.map((g) => ({ g, sweep: sweep.id })));
    bySize.set(sweep.run.params, entry);
  }
  const sizes = [...bySize.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([params, { runs, gains }]): SizeResult => {
      const late = gains.filter(({ g }) => g.cell.stage === "late");
      const used = late.length > 0 ? late : gains;
      const sweepOf = new Map(used.map(({ g, sweep }) => [g, sweep]));
      const list = used.map(({ g }) => g);
      return {
        params,
        runs: [...runs].sort(),
        stage: late.length > 0 ? "late" : "all",
        v: compareFactor(list, (g) => g.cell.interval, (g) => `${sweepOf.get(g)}|${g.cell.scheme}|${g.cell.n}|${g.cell.point}`),
        n: compareFactor(list, (g) => g.cell.n, (g) => `${sweepOf.get(g)}|${g.cell.scheme}|${g.cell.interval}|${g.cell.point}`),
      };
    });
  const withV = sizes.filter((s) => s.v);
  const fit = withV.length >= 2 ? fitLine(withV.map((s) => Math.log10(s.params)), withV.map((s) => Math.log10(s.v!.levels[0].level))) : null;
  const paper = fitLine(PAPER_V_REFERENCE.map((p) => Math.log10(p.params)), PAPER_V_REFERENCE.map((p) => Math.log10(p.interval)))!;
  return { sizes, fit, paper };
}

export function sizeParts(ctx: SectionContext, analysis: SizeFit): { tables: Table[]; figures: Figure[]; conclusions: Conclusion[]; notes: string[] } {
  const { sizes, fit, paper } = analysis;
  if (sizes.length === 0) return { tables: [], figures: [], conclusions: [], notes: ["No swept run records its model size (parameters), so nothing can be said per size."] };
  const table: Table = {
    id: "sizes",
    title: "Best V and N per model size",
    caption: "Over the late stage of each size's sweeps (all stages where a size has no late merge points), compared over matched cells; a leader is a winner only beyond the noise.",
    columns: [
      { key: "params", label: "Params", kind: "params" },
      { key: "runs", label: "Runs", kind: "text" },
      { key: "stage", label: "Stage", kind: "text" },
      { key: "v", label: "Best V", kind: "tokens" },
      { key: "vWinner", label: "V beyond noise", kind: "text" },
      { key: "n", label: "Best N", kind: "int" },
      { key: "nWinner", label: "N beyond noise", kind: "text" },
    ],
    rows: sizes.map((s) => [s.params, s.runs.join(", "), s.stage, s.v?.levels[0].level ?? null, s.v ? (s.v.winner !== null ? "yes" : "no") : "one V", s.n?.levels[0].level ?? null, s.n ? (s.n.winner !== null ? "yes" : "no") : "one N"]),
  };
  const paperText = PAPER_V_REFERENCE.map((p) => `${w.tokens(p.interval)} at ${p.label}`).join(", ");
  const conclusions: Conclusion[] = [];
  const withV = sizes.filter((s) => s.v);
  if (fit) {
    const se = fit.slopeSe !== null ? ` ± ${(1.96 * fit.slopeSe).toFixed(2)} (95%, normal approximation over ${fit.points} sizes)` : ` (${fit.points} sizes: an exact line, no interval)`;
    conclusions.push({
      kind: "finding",
      text: `Across ${w.count(withV.length, "model size")}, the best V grows as size^${fit.slope.toFixed(2)}${se}. The paper's reference points (${paperText}) grow as size^${paper.slope.toFixed(2)}.`,
      evidence: ["sizes", "size-fit"],
      uncertainty: fit.slopeSe !== null ? `slope stderr ${fit.slopeSe.toFixed(3)}` : "two sizes fix a line exactly: no uncertainty can be stated",
    });
  } else {
    const only = withV[0];
    const extrapolated = only ? 10 ** (paper.intercept + paper.slope * Math.log10(only.params)) : null;
    conclusions.push({
      kind: "missing",
      text:
        `One model size in scope${only ? ` (${w.tokens(only.params)} params, best V = ${w.tokens(only.v!.levels[0].level)} tokens)` : ""}: no fit of V against size. ` +
        `The paper's reference points are ${paperText}` +
        (extrapolated !== null ? `; their trend, extrapolated to this size far outside its range, would suggest about ${w.tokens(extrapolated)} tokens — a reference, not a test.` : "."),
      evidence: ["sizes", "size-fit"],
      uncertainty: null,
    });
  }
  return { tables: [table], figures: withV.length > 0 ? [sizeFigure(withV, fit, paper)] : [], conclusions, notes: [] };
}

function sizeFigure(sizes: SizeResult[], fit: LineFit | null, paper: LineFit): Figure {
  const ours: Pair[] = sizes.map((s) => [s.params, s.v!.levels[0].level]);
  const xs = [...ours.map((p) => p[0]), ...PAPER_V_REFERENCE.map((p) => p.params)];
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  const line = (f: LineFit): Pair[] => [lo, hi].map((x) => [x, 10 ** (f.intercept + f.slope * Math.log10(x))] as Pair);
  const series: LineSeriesSpec[] = [
    { name: "paper: reference points", role: "paper", points: PAPER_V_REFERENCE.map((p) => [p.params, p.interval] as Pair), scatter: true },
    { name: "paper: trend", role: "fit", points: line(paper) },
    { name: "this report: best V", role: "ours", points: ours, scatter: true },
  ];
  if (fit) series.push({ name: "this report: fit", role: "ours-fit", points: line(fit) });
  return {
    id: "size-fit",
    title: "Best interval V against model size",
    caption: "Log–log axes. The paper's rule of thumb (MoE, activated parameters) beside the best V found here; the paper's trend line is extended over the whole range for reference only.",
    chart: { kind: "size", series },
  };
}

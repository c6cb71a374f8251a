import { describe, expect, it } from "vitest";
import { buildReportDocument } from "../../../lib/report/build";
import { buildDataset } from "../../../lib/report/dataset";
import { allFigures, documentHash, type Conclusion, type ReportDocument, type Section } from "../../../lib/report/document";
import { renderReportFiles } from "../../../lib/report/files";
import { loadReportSnapshot } from "../../../lib/report/snapshot";
import { tempDataDir } from "../jobs/helpers";
import { seedReportData } from "./fixtures";

/**
 * The document model on a small dataset whose every number is worked out by hand in the comments (fixtures.ts
 * gives the scores): conclusions, their evidence and uncertainty, what is said when data is missing, and that
 * names carrying markup render as text in every form.
 */
function buildFor(options: Parameters<typeof seedReportData>[1] = {}, request?: { runNames?: string[]; metric?: string }) {
  const { db } = tempDataDir("pma-report-doc-");
  const { sweepId } = seedReportData(db, options);
  const snapshot = loadReportSnapshot(db, { sweepIds: [sweepId], runNames: request?.runNames });
  return { db, sweepId, document: buildReportDocument(buildDataset(snapshot, { metric: request?.metric })) };
}

const section = (d: ReportDocument, id: string): Section => d.sections.find((s) => s.id === id)!;
const conclusion = (s: Section, pattern: RegExp): Conclusion => {
  const found = s.conclusions.find((c) => pattern.test(c.text));
  if (!found) throw new Error(`no conclusion matching ${pattern} in ${s.id}:\n${s.conclusions.map((c) => c.text).join("\n")}`);
  return found;
};
const table = (d: ReportDocument, id: string) => d.sections.flatMap((s) => s.tables).find((t) => t.id === id)!;

describe("the report document", () => {
  it("finds the best setting, its gain with a t interval, and ties it with the runner-up inside the noise", () => {
    const { document, sweepId } = buildFor();
    const summary = section(document, "summary");
    // SMA N=4 gains +0.01, +0.05, +0.06 (mean 0.04; sd √0.0007, se sd/√3, t(0.975, 2) = 4.302653: ±0.065725).
    const best = conclusion(summary, /best setting found is SMA · N=4 · V=1M/);
    expect(best.text).toContain("by +0.04 on average");
    expect(best.text).toContain("beat it at 3 of 3");
    expect(best.uncertainty).toBe("95% CI −0.0257 to +0.106 (t interval over 3 merge points)");
    expect(best.evidence).toEqual([`settings-${sweepId}`]);
    // Runner-up WMA N=4 (+0.02 +0.04 +0.05): paired differences −0.01, +0.01, +0.01 → t = 0.5, df 2, p = 1 − 0.5/√2.25.
    const tie = conclusion(summary, /not distinguishable from the runner-up, WMA · N=4 · V=1M/);
    expect(tie.uncertainty).toMatch(/^mean difference \+0\.00333, 95% CI .* \(paired t over 3 matched merge points, p = 0\.667\)$/);
    const ranked = table(document, `settings-${sweepId}`).rows.map((r) => [r[1], r[4]]);
    expect(ranked.map((r) => r[0])).toEqual(["SMA · N=4 · V=1M", "WMA · N=4 · V=1M", "SMA · N=2 · V=1M", "WMA · N=2 · V=1M"]);
    expect(ranked[0][1]).toBeCloseTo(0.04, 12);
    expect(ranked[1][1]).toBeCloseTo(0.11 / 3, 12);
  });

  it("predicts the anneals from the merge at each fork point: error and rank agreement", () => {
    const { document, sweepId } = buildFor();
    // SMA N=4 at the forks 0.51, 0.65, 0.70 against the annealed ends 0.56, 0.68, 0.71: errors −0.05, −0.03, −0.01.
    const rows = table(document, `prediction-${sweepId}`).rows;
    expect(rows.map((r) => r[6] as number).map((e) => Number(e.toFixed(10)))).toEqual([-0.05, -0.03, -0.01]);
    const predicted = conclusion(section(document, "annealing"), /predicts the annealed branch's final acc with a mean absolute error of 0\.03 /);
    expect(predicted.text).toContain("Spearman ρ = 1.00, Kendall τ = 1.00");
    expect(predicted.text).toContain("With 3 branches a rank correlation is weak evidence");
    expect(section(document, "annealing").notes.join(" ")).toMatch(/no merge point has a scored annealed checkpoint at exactly the same tokens/);
  });

  it("ranks schemes by stage over matched cells and declares a winner only beyond the noise", () => {
    const { document, sweepId } = buildFor();
    const schemes = section(document, "schemes");
    // Early: WMA beats SMA by +0.01 in both matched cells (zero spread). Mid: SMA − WMA = 0, +0.01 → t = 1, df 1, p = 0.5.
    expect(conclusion(schemes, /^Early/).text).toMatch(/WMA is the best scheme, beyond the noise/);
    const mid = conclusion(schemes, /^Mid/);
    expect(mid.text).toMatch(/no winner declared\. SMA ranks first \(mean gain \+0\.04\), but WMA is within the noise/);
    expect(mid.uncertainty).toMatch(/paired t over 2 matched cells, p = 0\.500\)/);
    expect(table(document, `schemes-${sweepId}`).rows).toHaveLength(6);
    const guidelines = section(document, "guidelines").conclusions;
    expect(guidelines.find((c) => c.text.startsWith("G3 use SMA"))).toMatchObject({ kind: "consistent" });
    expect(guidelines.find((c) => c.text.startsWith("G3 WMA is best early"))).toMatchObject({ kind: "consistent" });
    expect(guidelines.find((c) => c.text.startsWith("G5 larger N helps late"))).toMatchObject({ kind: "consistent" });
    expect(guidelines.find((c) => c.text.startsWith("G6 avoid large V early"))).toMatchObject({ kind: "missing" });
  });

  it("says plainly when the data contradicts a guideline", () => {
    // Read as lower-is-better, every gain flips sign: merging now hurts, N=2 wins late, and so on.
    const { document } = buildFor({ higherIsBetter: false });
    const guidelines = section(document, "guidelines").conclusions;
    const g5 = guidelines.find((c) => c.text.startsWith("G5 larger N helps late"))!;
    expect(g5).toMatchObject({ kind: "contradiction" });
    expect(g5.text).toContain("the smallest window, N=2, beats the larger ones beyond the noise");
    expect(section(document, "stages").conclusions.map((c) => c.text).join(" ")).toContain("0 of 4 merged models beat the latest checkpoint");
  });

  it("widens comparisons to the evaluation stderr when every score has one", () => {
    const { document } = buildFor({ stderr: 0.05 });
    const late = conclusion(section(document, "schemes"), /^Late/);
    expect(late.text).toMatch(/no winner declared/);
    expect(late.uncertainty).toContain("standard error widened to the evaluation stderr");
    expect(section(document, "summary").notes.join(" ")).not.toMatch(/carries a stderr/);
  });

  it("says what is missing instead of failing: no scores, failed and infeasible cells, one model size, no stderr", () => {
    const empty = buildFor({ unscored: true }).document;
    expect(empty.metric).toBeNull();
    expect(section(empty, "summary").conclusions[0]).toMatchObject({ kind: "missing", text: expect.stringContaining("Nothing in scope is scored yet (12 cells in scope") });
    expect(section(empty, "appendix").tables[0].rows).toHaveLength(12);

    const { document, sweepId } = buildFor({ withFailures: true });
    const notes = section(document, "summary").notes.join("\n");
    expect(notes).toContain(`Sweep #${sweepId}: of 13 cells, 1 infeasible (no checkpoints to merge); 1 failed to merge`);
    expect(notes).toContain("No acc score carries a stderr");
    expect(conclusion(section(document, "window"), /One model size in scope/).kind).toBe("missing");
    expect(section(document, "restarts").notes[0]).toMatch(/No run in scope was restarted/);
    // The failed cell drops WMA N=2 to 2 of 3 points: still ranked, compared over the 2 points every setting shares.
    expect(conclusion(section(document, "summary"), /best setting found/).text).toContain("over the 2 merge points every setting is scored at");
  });

  it("refuses an unknown metric, naming the scored ones", () => {
    expect(() => buildFor({}, { metric: "nope" })).toThrow(expect.objectContaining({ code: "report_metric_unknown", message: expect.stringContaining("scored metrics: acc") }));
  });

  it("hashes its content: the same data gives the same hash, any change another", () => {
    const a = buildFor().document;
    const b = buildFor().document;
    expect(documentHash(a)).toBe(documentHash(b));
    expect(documentHash(buildFor({ stderr: 0.001 }).document)).not.toBe(documentHash(a));
  });

  it("renders names carrying HTML, Markdown or formulas as text in every form", async () => {
    const payload = `<script>alert("x")</script> **bold** [link](javascript:alert(1)) | # <img src=x onerror=alert(1)>`;
    const metric = `=cmd|' /C calc'!A0 <b>acc</b>`;
    const { document } = buildFor({ runName: payload, metric }, undefined);
    const hash = documentHash(document);
    const files = await renderReportFiles(document, hash, ["html", "md", "csv"], { printPdf: () => Promise.reject(new Error("no PDF in this test")) });
    const html = String(files.get("report.html"));
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    for (const bad of [/<script/i, /<img/i, /<b>acc/]) expect(html).not.toMatch(bad);
    // Escaped text may say "onerror=": no tag may carry a handler or a link out.
    for (const [tag] of html.matchAll(/<[^>]*>/g)) expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son[a-z]+\s*=/i);
    for (const [href] of html.matchAll(/href="[^"]*"/g)) expect(href).toMatch(/^href="#/);
    for (const figure of allFigures(document)) expect(String(files.get(`figure-${figure.id}.svg`))).not.toMatch(/<script|<img|<b>/i);

    const md = String(files.get("report.md"));
    // Outside code fences (recipe YAML, shown verbatim as code) no markup survives.
    const prose = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "");
    expect(prose.length).toBeLessThan(md.length);
    expect(prose).not.toMatch(/<script|<img|<b>/i);
    expect(md).toContain("&lt;script&gt;alert\\(\"x\"\\)&lt;/script&gt; \\*\\*bold\\*\\* \\[link\\]\\(javascript:alert\\(1\\)\\) \\| \\# &lt;img");
    // Every table line keeps its column count: no pipe in a name splits a cell.
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    for (const block of md.split("\n\n").filter((b) => b.startsWith("| "))) {
      const lines = block.split("\n");
      for (const line of lines) expect(cells(line)).toBe(cells(lines[0]));
    }

    const sizes = String(files.get("table-sizes.csv"));
    expect(sizes.split("\r\n")[1]).toContain(`"${payload.replace(/"/g, '""')}"`);
    const summary = String(files.get(`table-settings-1.csv`));
    expect(summary.split("\r\n")[0]).toBe("Rank,Setting,Points,Beats latest,Mean gain,95% CI low,95% CI high");
    expect(JSON.parse(String(files.get("report.json"))).document.metric.name).toBe(metric);
    // A metric name shaped like a formula is neutralised wherever it lands in a CSV cell.
    const restarts = String(files.get("table-cells.csv"));
    expect(restarts).not.toMatch(/(^|,)=cmd/m);
  });
});

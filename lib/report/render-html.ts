import { formatCell, isNumeric, KIND_LABELS } from "./cells";
import type { Conclusion, Figure, ReportDocument, Section, Table } from "./document";
import { escapeHtml as h } from "./escape";
import { REPORT_CSS } from "./report-css";
import { REPORT_CSP } from "./csp";

/**
 * The report as one self-contained HTML file: inline CSS, figures as inline SVG, no scripts and no external
 * resources — its own Content-Security-Policy forbids both, so it stays inert wherever it is opened. Every piece
 * of text goes through escapeHtml; the SVGs come from renderChartSvg, which checks them.
 */
export interface HtmlInput {
  document: ReportDocument;
  hash: string;
  /** figure id → SVG markup. */
  svgs: Map<string, string>;
}


export function renderHtml({ document, hash, svgs }: HtmlInput): string {
  const toc = document.sections.map((s) => `<li><a href="#${h(s.id)}">${h(s.title)}</a></li>`).join("");
  const metric = document.metric
    ? `${h(document.metric.name)} (${document.metric.higherIsBetter === null ? "direction unknown" : document.metric.higherIsBetter ? "higher is better" : "lower is better"})`
    : "none scored yet";
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(REPORT_CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(document.title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<p class="eyebrow">PMA Lab report <span class="mono">${h(hash.slice(0, 12))}</span></p>`,
    `<h1>${h(document.title)}</h1>`,
    `<p class="meta">Metric: ${metric}. Content hash <span class="mono">${h(hash)}</span>.</p>`,
    `<ul class="covers">${document.covers.map((line) => `<li>${h(line)}</li>`).join("")}</ul>`,
    `<nav aria-label="Contents"><ol>${toc}<li><a href="#recipes">Recipes (mergekit)</a></li></ol></nav>`,
    "</header>",
    "<main>",
    ...document.sections.map((section) => renderSection(section, svgs)),
    renderRecipes(document),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function renderSection(section: Section, svgs: Map<string, string>): string {
  return [
    `<section id="${h(section.id)}">`,
    `<h2>${h(section.title)}</h2>`,
    section.intro ? `<p class="intro">${h(section.intro)}</p>` : "",
    section.conclusions.length ? `<ul class="conclusions">${section.conclusions.map(renderConclusion).join("")}</ul>` : "",
    section.notes.length ? `<aside class="notes"><h3>Missing or left out</h3><ul>${section.notes.map((n) => `<li>${h(n)}</li>`).join("")}</ul></aside>` : "",
    ...section.figures.map((f) => renderFigure(f, svgs.get(f.id))),
    ...section.tables.map(renderTable),
    "</section>",
  ].join("\n");
}

function renderConclusion(c: Conclusion): string {
  const evidence = c.evidence.length ? `<span class="evidence">Evidence: ${c.evidence.map((id) => `<a href="#${h(id)}">${h(id)}</a>`).join(", ")}</span>` : "";
  const uncertainty = c.uncertainty ? `<span class="uncertainty">${h(c.uncertainty)}</span>` : "";
  return `<li class="conclusion ${h(c.kind)}"><span class="kind">${h(KIND_LABELS[c.kind])}</span><p>${h(c.text)}</p>${uncertainty}${evidence}</li>`;
}

function renderFigure(figure: Figure, svg: string | undefined): string {
  return [
    `<figure id="${h(figure.id)}">`,
    `<div class="chart" role="img" aria-label="${h(figure.title)}">${svg ?? `<p class="missing">Figure not rendered.</p>`}</div>`,
    `<figcaption><strong>${h(figure.title)}.</strong> ${h(figure.caption)} <span class="id">[${h(figure.id)}]</span></figcaption>`,
    "</figure>",
  ].join("\n");
}

function renderTable(table: Table): string {
  const head = table.columns.map((c) => `<th${isNumeric(c.kind) ? ' class="num"' : ""} scope="col">${h(c.label)}</th>`).join("");
  const body = table.rows.length
    ? table.rows
        .map((row) => `<tr>${row.map((value, i) => `<td${isNumeric(table.columns[i].kind) ? ' class="num"' : ""}>${h(formatCell(value, table.columns[i].kind))}</td>`).join("")}</tr>`)
        .join("\n")
    : `<tr><td colspan="${table.columns.length}" class="missing">No rows.</td></tr>`;
  return [
    `<div class="table" id="${h(table.id)}">`,
    `<table><caption><strong>${h(table.title)}</strong> <span class="id">[${h(table.id)}]</span>${table.caption ? `<br><span class="caption">${h(table.caption)}</span>` : ""}</caption>`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>${body}</tbody>`,
    "</table>",
    "</div>",
  ].join("\n");
}

function renderRecipes(document: ReportDocument): string {
  const items = document.recipes.map(
    (r) =>
      `<div class="recipe" id="recipe-${h(r.hash.slice(0, 12))}"><h4><span class="mono">${h(r.hash.slice(0, 12))}</span> ${h(r.label)}</h4>${
        r.yaml ? `<pre>${h(r.yaml)}</pre>` : `<p class="missing">Not exportable: ${h(r.problem ?? "unknown reason")}</p>`
      }</div>`,
  );
  return [
    '<section id="recipes">',
    "<h2>Recipes (mergekit)</h2>",
    `<p class="intro">${document.recipes.length ? "Each merge in scope as a mergekit linear config with its final weights; run it with mergekit-yaml to reproduce the merged model outside PMA Lab." : "No recipe in scope."}</p>`,
    `<div class="recipes">${items.join("\n")}</div>`,
    "</section>",
  ].join("\n");
}

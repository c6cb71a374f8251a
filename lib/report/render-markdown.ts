import { formatCell, isNumeric, KIND_LABELS } from "./cells";
import type { Conclusion, ReportDocument, Section, Table } from "./document";
import { escapeMarkdown as md, markdownFence } from "./escape";
import { figureFile, tableFile } from "./files";

/**
 * The report as Markdown (GFM): conclusions as list items with their uncertainty and evidence, tables as GFM
 * tables, figures as links to the SVG files written beside it, recipes as fenced YAML. All text is escaped, so
 * names carrying Markdown or HTML render as text.
 */
export function renderMarkdown(document: ReportDocument, hash: string, options: { withData: boolean }): string {
  const metric = document.metric
    ? `${md(document.metric.name)} (${document.metric.higherIsBetter === null ? "direction unknown" : document.metric.higherIsBetter ? "higher is better" : "lower is better"})`
    : "none scored yet";
  const lines = [
    `# ${md(document.title)}`,
    "",
    `PMA Lab report \`${hash.slice(0, 12)}\` · metric: ${metric} · content hash \`${hash}\``,
    "",
    ...document.covers.map((line) => `- ${md(line)}`),
    "",
    ...document.sections.flatMap((section) => renderSection(section, options.withData)),
    "## Recipes (mergekit)",
    "",
    document.recipes.length
      ? "Each merge in scope as a mergekit linear config with its final weights (also written beside this file as `recipe-<hash>.yaml`)."
      : "No recipe in scope.",
    "",
    ...document.recipes.flatMap((r) => [
      `#### \`${r.hash.slice(0, 12)}\` ${md(r.label)}`,
      "",
      r.yaml ? markdownFence(r.yaml, "yaml") : `Not exportable: ${md(r.problem ?? "unknown reason")}`,
      "",
    ]),
  ];
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

function renderSection(section: Section, withData: boolean): string[] {
  return [
    `## ${md(section.title)}`,
    "",
    ...(section.intro ? [md(section.intro), ""] : []),
    ...section.conclusions.map(renderConclusion),
    "",
    ...(section.notes.length ? ["**Missing or left out**", "", ...section.notes.map((n) => `- ${md(n)}`), ""] : []),
    ...section.figures.flatMap((f) => [`![${md(f.title)}](${figureFile(f.id)})`, "", `*${md(f.title)}.* ${md(f.caption)} \\[${md(f.id)}\\]`, ""]),
    ...section.tables.flatMap((t) => renderTable(t, withData)),
  ];
}

function renderConclusion(c: Conclusion): string {
  const parts = [`- **${KIND_LABELS[c.kind]}.** ${md(c.text)}`];
  if (c.uncertainty) parts.push(`  *${md(c.uncertainty)}*`);
  if (c.evidence.length) parts.push(`  Evidence: ${c.evidence.map((id) => `\\[${md(id)}\\]`).join(", ")}`);
  return parts.join("\n");
}

function renderTable(table: Table, withData: boolean): string[] {
  const header = `| ${table.columns.map((c) => md(c.label)).join(" | ")} |`;
  const rule = `| ${table.columns.map((c) => (isNumeric(c.kind) ? "---:" : "---")).join(" | ")} |`;
  const rows = table.rows.map((row) => `| ${row.map((value, i) => md(formatCell(value, table.columns[i].kind))).join(" | ")} |`);
  return [
    `**${md(table.title)}** \\[${md(table.id)}\\]${withData ? ` — data: [${tableFile(table.id)}](${tableFile(table.id)})` : ""}`,
    "",
    ...(table.caption ? [md(table.caption), ""] : []),
    header,
    rule,
    ...(rows.length ? rows : [`| ${table.columns.map(() => "—").join(" | ")} |`]),
    "",
  ];
}

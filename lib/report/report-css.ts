/** The report's stylesheet, inlined into its HTML: the app's palette, readable on screen and printed to A4. */
export const REPORT_CSS = `
:root { --fg: #18181b; --muted: #71717a; --line: #e4e4e7; --subtle: #f4f4f5; --accent: #2563eb; --ok: #15803d; --warn: #b45309; --danger: #b91c1c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1040px; padding: 40px 32px 64px; color: var(--fg); background: #fff;
  font: 14px/1.55 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 8px; letter-spacing: -0.01em; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 40px 0 8px; padding-top: 12px; border-top: 1px solid var(--line); }
h3 { font-size: 13px; margin: 0 0 4px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
h4 { font-size: 12px; margin: 0 0 4px; font-weight: 600; overflow-wrap: anywhere; }
a { color: var(--accent); text-decoration: none; }
.eyebrow { margin: 0; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; }
.meta, .intro { color: var(--muted); margin: 4px 0 12px; }
.mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.mono { font-size: 0.92em; overflow-wrap: anywhere; }
.covers { margin: 8px 0 16px; padding-left: 18px; color: #3f3f46; font-size: 13px; }
nav ol { columns: 2; margin: 0; padding-left: 20px; font-size: 13px; }
ul.conclusions { list-style: none; padding: 0; margin: 12px 0; display: grid; gap: 10px; }
.conclusion { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 8px; padding: 10px 14px; background: #fff; break-inside: avoid; }
.conclusion p { margin: 2px 0 4px; overflow-wrap: anywhere; }
.conclusion .kind { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; color: var(--accent); }
.conclusion.consistent { border-left-color: var(--ok); } .conclusion.consistent .kind { color: var(--ok); }
.conclusion.contradiction { border-left-color: var(--danger); background: #fef2f2; } .conclusion.contradiction .kind { color: var(--danger); }
.conclusion.missing { border-left-color: var(--warn); background: #fffbeb; } .conclusion.missing .kind { color: var(--warn); }
.uncertainty, .evidence { display: block; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.notes { margin: 12px 0; padding: 10px 14px; border-radius: 8px; background: #fffbeb; border: 1px solid #fde68a; font-size: 13px; break-inside: avoid; }
.notes ul { margin: 0; padding-left: 18px; }
figure { margin: 20px 0; break-inside: avoid; }
.chart { border: 1px solid var(--line); border-radius: 8px; padding: 8px; overflow-x: auto; }
.chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption, caption { font-size: 12px; color: var(--muted); text-align: left; margin-top: 6px; overflow-wrap: anywhere; }
caption { caption-side: top; margin: 0 0 6px; color: #3f3f46; }
.id { color: #a1a1aa; font-size: 11px; }
.table { margin: 20px 0; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
th { text-align: left; font-weight: 600; font-size: 11px; color: var(--muted); background: var(--subtle); border-bottom: 1px solid var(--line); padding: 5px 8px; white-space: nowrap; }
td { border-bottom: 1px solid #f0f0f2; padding: 4px 8px; vertical-align: top; overflow-wrap: anywhere; }
.num { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafafa; }
.missing { color: var(--warn); }
.recipes { columns: 2; column-gap: 20px; }
.recipe { break-inside: avoid; margin: 0 0 12px; }
pre { margin: 0; padding: 8px 10px; background: var(--subtle); border-radius: 6px; font-size: 10px; line-height: 1.4; white-space: pre-wrap; overflow-wrap: anywhere; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; }
  .table { overflow: visible; }
  table { font-size: 9px; }
  th, td { padding: 2px 4px; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  pre { font-size: 8px; }
  a { color: inherit; }
}
`;

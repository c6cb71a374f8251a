import { createHash } from "node:crypto";
import type { ReportScope } from "../../db/schema";
import type { ChartSpec } from "./chart-spec";

/**
 * The report as data: sections of conclusions, each pointing at the tables and figures that are its evidence and
 * stating its uncertainty, plus notes on what is missing. Every renderer (HTML, Markdown, CSV/JSON, PDF) reads this
 * and nothing else, and its canonical JSON is what the content hash covers — so the same data gives the same hash,
 * whenever and wherever the report is written. Text is plain: renderers escape it for their format.
 */
export const DOCUMENT_VERSION = 1;

export type CellValue = string | number | null;

/** How a column's numbers are shown; the stored value stays the raw number (CSV and JSON keep full precision). */
export type ColumnKind = "text" | "int" | "tokens" | "params" | "metric" | "gain" | "percent" | "p" | "corr";

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
}

export interface Table {
  id: string;
  title: string;
  caption?: string;
  columns: Column[];
  rows: CellValue[][];
}

export interface Figure {
  id: string;
  title: string;
  caption: string;
  chart: ChartSpec;
}

export type ConclusionKind = "finding" | "contradiction" | "consistent" | "missing";

export interface Conclusion {
  text: string;
  /** Ids of the tables and figures that support it. */
  evidence: string[];
  /** The interval or test behind it, or why there is none. */
  uncertainty: string | null;
  kind: ConclusionKind;
}

export interface Section {
  id: string;
  title: string;
  intro?: string;
  conclusions: Conclusion[];
  tables: Table[];
  figures: Figure[];
  /** What is missing or left out, said plainly. */
  notes: string[];
}

export interface RecipeListing {
  hash: string;
  label: string;
  /** mergekit YAML that reproduces the merge, or why it cannot be written. */
  yaml: string | null;
  problem: string | null;
}

export interface ReportDocument {
  version: typeof DOCUMENT_VERSION;
  title: string;
  scope: ReportScope;
  metric: { name: string; higherIsBetter: boolean | null; withStderr: number; scored: number } | null;
  /** What the snapshot held: one line per sweep and run in scope. */
  covers: string[];
  sections: Section[];
  recipes: RecipeListing[];
}

/** JSON with object keys sorted at every depth: equal documents give equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

/** sha256 of the canonical document: the report's identity. */
export function documentHash(document: ReportDocument): string {
  return createHash("sha256").update(canonicalJson(document), "utf8").digest("hex");
}

/** Every table of the document, in reading order (sections, then the appendix's). */
export function allTables(document: ReportDocument): Table[] {
  return document.sections.flatMap((section) => section.tables);
}

export function allFigures(document: ReportDocument): Figure[] {
  return document.sections.flatMap((section) => section.figures);
}

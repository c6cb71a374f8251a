import { formatMetric } from "../charts/format";
import { formatCount } from "../format";
import type { CellValue, ColumnKind, Conclusion } from "./document";
import { signed } from "./words";

/** A table cell as text, by its column's kind (the document keeps the raw number). */
export function formatCell(value: CellValue, kind: ColumnKind): string {
  if (value === null) return "—";
  if (typeof value === "string") return value;
  switch (kind) {
    case "tokens":
    case "params":
      return formatCount(value);
    case "metric":
      return formatMetric(value);
    case "gain":
      return signed(value);
    case "percent":
      return `${Math.round(value * 100)}%`;
    case "p":
      return value < 0.001 ? "< 0.001" : value.toFixed(3);
    case "corr":
      return value.toFixed(2);
    default:
      return String(value);
  }
}

/** Right-aligned columns. */
export function isNumeric(kind: ColumnKind): boolean {
  return kind !== "text";
}

export const KIND_LABELS: Record<Conclusion["kind"], string> = {
  finding: "Finding",
  consistent: "Consistent with the paper",
  contradiction: "Contradicts the paper",
  missing: "Missing data",
};

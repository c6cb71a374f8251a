import type { ReactNode } from "react";
import { tableClass } from "./ui";

/**
 * A table header cell that sorts its column when clicked: the button, the arrow of the current direction and the
 * matching aria-sort. `sorted` and `onSort` come from the table's column (getIsSorted, getToggleSortingHandler).
 */
export function SortableTh({
  sorted,
  onSort,
  numeric,
  colSpan,
  column,
  className,
  children,
}: {
  sorted: false | "asc" | "desc";
  onSort: ((event: unknown) => void) | undefined;
  numeric?: boolean;
  colSpan?: number;
  /** Set as data-column on the button. */
  column?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <th
      colSpan={colSpan}
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}
      className={[numeric ? tableClass.thNum : tableClass.th, className].filter(Boolean).join(" ")}
    >
      <button type="button" data-column={column} onClick={onSort} className={`inline-flex items-center gap-1 uppercase hover:text-fg ${sorted ? "text-fg" : ""}`}>
        {children}
        <span aria-hidden className={`w-2 text-[10px] ${sorted ? "" : "opacity-0"}`}>
          {sorted === "desc" ? "▼" : "▲"}
        </span>
      </button>
    </th>
  );
}

import type { Report, ReportScope } from "../../db/schema";

/** Where a report's file downloads from (the route serves only files recorded for that report). */
export function fileHref(hash: string, name: string, download = false): string {
  return `/api/reports/${hash}/${encodeURIComponent(name)}${download ? "?download=1" : ""}`;
}

const MAIN_FILES = [
  { name: "report.html", label: "HTML" },
  { name: "report.pdf", label: "PDF" },
  { name: "report.md", label: "Markdown" },
  { name: "report.json", label: "JSON" },
];

/** "Sweeps #1, #2 · runs a, b". */
export function scopeText(scope: ReportScope): string {
  const parts = [scope.sweepIds.length ? `sweep${scope.sweepIds.length > 1 ? "s" : ""} ${scope.sweepIds.map((id) => `#${id}`).join(", ")}` : null, scope.runNames.length ? `run${scope.runNames.length > 1 ? "s" : ""} ${scope.runNames.join(", ")}` : null];
  return parts.filter(Boolean).join(" · ") || "—";
}

/** Links to a report's main forms that exist. */
export function DownloadLinks({ report }: { report: Pick<Report, "hash" | "files"> }) {
  const present = MAIN_FILES.filter((file) => report.files.some((f) => f.name === file.name));
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1">
      {present.map((file) => (
        <a key={file.name} href={fileHref(report.hash, file.name, true)} className="text-accent hover:underline">
          {file.label}
        </a>
      ))}
    </span>
  );
}

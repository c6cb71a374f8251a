import Link from "next/link";
import type { ScanResult } from "../../lib/checkpoints/types";
import { runHref } from "./run-href";
import { RejectedFiles } from "./rejected-files";

/** The outcome of a scan: counts, then every rejected file with its reason. */
export function ScanResultView({ result, showRunLink = true }: { result: ScanResult; showRunLink?: boolean }) {
  const counts = [
    { label: "added", value: result.added, tone: "text-ok" },
    { label: "updated", value: result.updated, tone: "text-accent" },
    { label: "missing", value: result.missing, tone: result.missing > 0 ? "text-warn" : "text-muted" },
    { label: "rejected", value: result.rejected.length, tone: result.rejected.length > 0 ? "text-danger" : "text-muted" },
  ];
  return (
    <div className="space-y-4" data-testid="scan-result">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm">
          Scanned <span className="font-medium">{result.run}</span>: {result.checkpoints.length} checkpoints on disk
          {result.logPoints > 0 ? `, ${result.logPoints.toLocaleString("en-US")} training-log points` : ""}.
        </p>
        {showRunLink ? (
          <Link href={runHref(result.run)} className="text-sm font-medium text-accent hover:underline">
            Open run →
          </Link>
        ) : null}
      </div>
      <dl className="grid grid-cols-4 gap-2">
        {counts.map((count) => (
          <div key={count.label} className="rounded-lg border border-line bg-subtle/50 px-3 py-2">
            <dt className="text-xs text-muted">{count.label}</dt>
            <dd className={`num text-xl font-semibold ${count.tone}`}>{count.value}</dd>
          </div>
        ))}
      </dl>
      {result.warnings.length > 0 ? (
        <ul className="space-y-1 rounded-lg border border-warn/30 bg-warn-soft px-3 py-2 text-sm text-warn">
          {result.warnings.map((warning) => (
            <li key={warning}>⚠ {warning}</li>
          ))}
        </ul>
      ) : null}
      {result.rejected.length > 0 ? <RejectedFiles rejected={result.rejected} base={result.directory} /> : null}
    </div>
  );
}

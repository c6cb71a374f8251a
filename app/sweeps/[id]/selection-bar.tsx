import { Suspense } from "react";
import { Card } from "../../components/ui";
import { UrlSelect } from "../../components/url-pickers";
import type { SweepResearch } from "./research-data";

/** Metric, scheme, N and V pickers (kept in the URL), and what was shown instead of an unavailable request. */
export function SelectionBar({ research }: { research: SweepResearch }) {
  const { selection, options } = research;
  const config = selection.config;
  return (
    <Card padded={false}>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-3 px-5 py-3" data-testid="selection-bar">
        <Suspense>
          <UrlSelect name="metric" label="Metric" value={selection.metric?.name ?? ""} options={options.metrics} />
          <UrlSelect name="scheme" label="Scheme" value={config?.scheme ?? ""} options={options.schemes} />
          <UrlSelect name="n" label="N" value={config ? String(config.n) : ""} options={options.ns} />
          <UrlSelect name="v" label="V" value={config ? String(config.interval) : ""} options={options.intervals} />
        </Suspense>
      </div>
      {selection.notes.length > 0 ? (
        <ul className="border-t border-line px-5 py-2.5 text-sm text-warn" data-testid="selection-notes">
          {selection.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}

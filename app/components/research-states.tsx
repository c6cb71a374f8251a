"use client";

import { LoadError } from "./load-error";

/** Loading and error states shared by the research pages (sweep charts, prediction, compare). */

export function ChartsLoading({ label, charts = 2 }: { label: string; charts?: number }) {
  const block = "animate-pulse rounded-xl border border-line bg-surface";
  return (
    <div className="space-y-6" aria-busy="true" aria-label={label}>
      <div className="space-y-2">
        <div className="h-4 w-24 animate-pulse rounded bg-subtle" />
        <div className="h-7 w-72 animate-pulse rounded bg-subtle" />
      </div>
      <div className={`${block} h-14`} />
      {Array.from({ length: charts }, (_, i) => (
        <div key={i} className={`${block} h-[440px]`} />
      ))}
    </div>
  );
}

export function ChartsError({ error, retry, what }: { error: unknown; retry: () => void; what: string }) {
  return <LoadError error={error} retry={retry} title={`The ${what} could not be loaded`} reading="the scores" />;
}

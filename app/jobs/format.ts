import type { JobProgress } from "../../db/schema";
import { formatBytes } from "../../lib/format";

/** "12 s ago", "3 min ago" from milliseconds since the epoch. */
export function agoMs(then: number | null, now: number): string {
  if (then === null) return "—";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(then).toISOString().slice(0, 10);
}

export function progressFraction(progress: JobProgress | null): number | null {
  if (!progress?.bytesTotal) return null;
  return Math.min(1, Math.max(0, (progress.bytesDone ?? 0) / progress.bytesTotal));
}

/** "merging · 1.2 GiB/s · ETA 40 s" */
export function describeProgress(progress: JobProgress | null): string {
  if (!progress) return "starting";
  const parts = [progress.phase];
  if (progress.outputsTotal) parts.push(`${progress.outputsDone ?? 0}/${progress.outputsTotal} outputs`);
  if (progress.rate) parts.push(`${formatBytes(Math.round(progress.rate))}/s`);
  if (progress.etaSeconds !== undefined) parts.push(`ETA ${Math.round(progress.etaSeconds)} s`);
  if (progress.message) parts.push(progress.message);
  return parts.join(" · ");
}

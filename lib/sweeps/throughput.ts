import type { Db } from "../../db/client";
import { listJobs } from "../../db/queries";

/**
 * Merge throughput as this installation has measured it: every finished merge job records in its result the
 * tensor bytes its pass read (`bytesRead`) and the seconds the pass took (`seconds`, reading, arithmetic and
 * writing together — merging is bound by reading N × model size). The rate is Σ bytes / Σ seconds over the most
 * recent finished jobs, so one big pass weighs more than many tiny ones. No finished job: no number.
 */
export interface MergeThroughput {
  bytesPerSecond: number;
  /** Jobs the rate was measured over. */
  jobs: number;
  bytes: number;
  seconds: number;
}

export const MERGE_JOB_KINDS = ["merge", "sweep-pass", "pma-init"];

/** How many recent finished jobs the rate averages: recent enough to follow a changed disk, enough to be stable. */
export const THROUGHPUT_SAMPLE = 20;

/** Pure: the rate over job results of the form { bytesRead, seconds }; anything else is skipped. */
export function summarizeThroughput(results: unknown[]): MergeThroughput | null {
  let bytes = 0;
  let seconds = 0;
  let jobs = 0;
  for (const result of results) {
    const { bytesRead, seconds: took } = (result ?? {}) as { bytesRead?: unknown; seconds?: unknown };
    if (typeof bytesRead !== "number" || typeof took !== "number" || !(bytesRead > 0) || !(took > 0) || !Number.isFinite(bytesRead + took)) continue;
    bytes += bytesRead;
    seconds += took;
    jobs += 1;
  }
  return jobs === 0 ? null : { bytesPerSecond: bytes / seconds, jobs, bytes, seconds };
}

export function measureMergeThroughput(db: Db, sample = THROUGHPUT_SAMPLE): MergeThroughput | null {
  return summarizeThroughput(listJobs(db, { statuses: ["succeeded"], kinds: MERGE_JOB_KINDS, limit: sample }).map((job) => job.result));
}

/** Seconds to read `bytes` at the measured rate; null when nothing has been measured. */
export function estimateSeconds(bytes: number, throughput: MergeThroughput | null): number | null {
  return throughput ? bytes / throughput.bytesPerSecond : null;
}

import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { isInside } from "../disk";
import { assertLease, type QueueClock } from "./queue";

/** Per-attempt log cap: 16 MiB is far more than a merge writes, and bounds what a chatty job can do to the disk. */
export const MAX_LOG_BYTES = 16 * 1024 * 1024;

/** Appends a worker's captured lines to the attempt's log file (fenced: a stale attempt's lines are refused). */
export function appendJobLog(db: Db, dataDir: string, request: { jobId: number; leaseToken: string; text: string }, clock: QueueClock = {}): void {
  const { attempt } = assertLease(db, request.jobId, request.leaseToken, clock.now ?? Date.now());
  if (!attempt.logPath) return;
  const file = path.join(dataDir, attempt.logPath);
  if (!isInside(file, path.join(dataDir, "logs"))) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  if (size >= MAX_LOG_BYTES) return;
  const text = size + Buffer.byteLength(request.text) > MAX_LOG_BYTES ? `${request.text.slice(0, MAX_LOG_BYTES - size)}\n[log truncated at 16 MiB]\n` : request.text;
  fs.appendFileSync(file, text);
}

/** The last `maxBytes` of an attempt's log, for the UI and the CLI; null when there is none. */
export function readLogTail(dataDir: string, logPath: string | null, maxBytes = 64 * 1024): string | null {
  if (!logPath) return null;
  const file = path.join(dataDir, logPath);
  if (!isInside(file, path.join(dataDir, "logs"))) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) return null;
  const start = Math.max(0, stat.size - maxBytes);
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(stat.size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    return (start > 0 ? "…\n" : "") + buffer.toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

import type { Db } from "../../db/client";
import { diskUsage, type DiskUsage } from "../disk";
import { jobsSnapshot } from "./snapshot";

/** Disk figures walk the logs directory; once every 15 s is plenty for a number that changes by the gigabyte. */
const DISK_EVERY_MS = 15_000;

/**
 * Server-sent events for the jobs page: a snapshot (queue counts, running jobs with progress, workers, disk) at
 * once, then again whenever it changes, checked every `everyMs`; a comment line keeps idle connections open.
 */
export function createSnapshotStream(db: Db, dataDir: string, signal: AbortSignal, everyMs = 1_000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  let disk: { at: number; value: DiskUsage } | undefined;
  return new ReadableStream({
    start(controller) {
      let last = "";
      const tick = (): void => {
        try {
          const now = Date.now();
          if (!disk || now - disk.at > DISK_EVERY_MS) disk = { at: now, value: diskUsage(db, dataDir) };
          const snapshot = { ...jobsSnapshot(db, { now }), disk: disk.value };
          const key = JSON.stringify({ ...snapshot, at: 0 });
          controller.enqueue(encoder.encode(key === last ? ": idle\n\n" : `data: ${JSON.stringify(snapshot)}\n\n`));
          last = key;
        } catch (error) {
          clearInterval(timer);
          controller.error(error);
        }
      };
      tick();
      timer = setInterval(tick, everyMs);
      signal.addEventListener("abort", () => {
        clearInterval(timer);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      });
    },
    cancel() {
      clearInterval(timer);
    },
  });
}

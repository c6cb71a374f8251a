import type { JobProgress } from "../../../db/schema";
import type { JobKind } from "../kinds";

/**
 * What a handler gets. Side effects come in through here (documenso / langfuse style), so a handler is a short
 * function of its payload and tests need no mocks: they run the real worker against a real database.
 */
export interface JobContext<P = unknown> {
  job: { id: number; kind: JobKind; attempt: number; payload: P };
  /** Aborted when the lease is lost (stale token, cancel) or the worker hands the job back; stop promptly. */
  signal: AbortSignal;
  /** One line into the attempt's captured log. */
  log(message: string): void;
  /** Latest progress; sent at most about once a second. Rate and ETA are filled in from bytes when absent. */
  progress(update: JobProgress): void;
  outputs: {
    /**
     * The attempt-scoped partial directory for an output name from the payload, after removing every earlier
     * attempt's leftovers. Created unless `create: false` (the merge executor wants a path that does not exist).
     */
    prepare(name: string, options?: { create?: boolean }): Promise<string>;
    /** fsync, then the fenced publish; "exists" when another attempt got there first (the partial is removed). */
    publish(name: string, summary: { bytes: number; sha256: string; files: string[] }): Promise<"published" | "exists">;
  };
  /** A checkpoint path from the payload, mapped onto this worker's mounts and required inside its roots. */
  resolveInput(serverPath: string): Promise<string>;
  /** Environment for child processes, with CUDA_VISIBLE_DEVICES pinned to this slot's GPU (or empty). */
  env: Record<string, string | undefined>;
  /** Threads a CPU-bound step may use. */
  threads: number;
  /** Test-only behaviours (the noop kind's crash) are honoured only when this is set. */
  allowTestJobs: boolean;
}

export type JobHandler<P = unknown> = (context: JobContext<P>) => Promise<unknown>;

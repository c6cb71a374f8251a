/**
 * Crash injection for the reliability suite: with PMA_LAB_TEST_JOBS=1 and PMA_LAB_TEST_CRASH_AT=<point>, the
 * process kills itself with SIGKILL when it reaches that point (test/worker/publish-crash.test.ts goes through
 * every one). Inert otherwise: one environment lookup.
 *
 * The points, in the order an output goes through them:
 * - publish:before-call      worker: the partial is written and fsynced, the publish not yet sent
 * - publish:after-lease-check server, inside the publish transaction: the lease is checked
 * - publish:after-orphan-aside server: a leftover directory of the same name was moved aside
 * - publish:after-rename     server: the partial is renamed into place, the directory not yet fsynced
 * - publish:after-fsync      server: the rename is durable, the artifact row not yet written
 * - publish:after-insert     server: the row is written, the transaction not yet committed
 * - publish:after-commit     server: committed, the leftovers not yet removed
 * - complete:before-call     worker: every output published, the complete not yet sent
 * - complete:after-call      worker: the job is complete, the worker has not yet cleaned up
 */
export const CRASH_POINTS = [
  "publish:before-call",
  "publish:after-lease-check",
  "publish:after-orphan-aside",
  "publish:after-rename",
  "publish:after-fsync",
  "publish:after-insert",
  "publish:after-commit",
  "complete:before-call",
  "complete:after-call",
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export function crashPoint(point: CrashPoint, env: Record<string, string | undefined> = process.env): void {
  if (env.PMA_LAB_TEST_CRASH_AT === point && env.PMA_LAB_TEST_JOBS === "1") process.kill(process.pid, "SIGKILL");
}

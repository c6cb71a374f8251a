import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, listAttempts, listPublishedArtifacts } from "../../db/queries";
import { retryJob } from "../../lib/jobs/queue";
import { checkInvariants } from "./helpers/invariants";
import { mergeDataDir, mergeSweep } from "./helpers/merge-fixture";
import { spawnWorker } from "./helpers/spawn";

/**
 * reliability.md, "ENOSPC / EIO injected": a merge whose outputs do not fit, or whose writes fail with an I/O
 * error, fails its attempts cleanly — a clear, typed error on the job, its partial outputs removed, nothing
 * published, the invariants intact — and once the problem is fixed, a retry produces outputs identical to an
 * uninterrupted merge. The disk-full case fills a real, tiny tmpfs mounted over the artifacts directory (as root,
 * which CI is); elsewhere the same failure is injected at the write (PMA_LAB_TEST_WRITE_FAULT).
 */
const WORKER = ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "5", "--threads", "1"];

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(fs.realpathSync("/tmp"), "pma-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

async function failThenRecover(options: { faultEnv: Record<string, string>; fix: () => void; setup?: (dataDir: string) => void; cleanup?: () => void }) {
  const { db, dataDir } = await mergeDataDir("pma-disk-");
  const expected = new Map<string, string>();
  const { jobId } = await mergeSweep(db, dataDir, 0, expected, 2);
  options.setup?.(dataDir);
  try {
    const faulty = spawnWorker(dataDir, WORKER, options.faultEnv);
    expect((await faulty.exited).code, faulty.stderr()).toBe(0);
    const failed = findJobById(db, jobId)!;
    const attempts = listAttempts(db, jobId);
    const partialsLeft = fs.readdirSync(path.join(dataDir, "artifacts", "merges")).filter((entry) => entry.includes(".partial-"));
    const published = listPublishedArtifacts(db).length;
    checkInvariants(db, dataDir);
    options.fix();
    retryJob(db, jobId);
    const healthy = spawnWorker(dataDir, WORKER);
    expect((await healthy.exited).code, healthy.stderr()).toBe(0);
    const artifacts = listPublishedArtifacts(db);
    checkInvariants(db, dataDir);
    return { db, failed, attempts, partialsLeft, published, artifacts, expected, done: findJobById(db, jobId)! };
  } finally {
    options.cleanup?.();
  }
}

function expectRecovered(result: Awaited<ReturnType<typeof failThenRecover>>): void {
  expect(result.partialsLeft).toEqual([]);
  expect(result.done.status).toBe("succeeded");
  expect(result.artifacts).toHaveLength(result.expected.size);
  for (const artifact of result.artifacts) expect(artifact.sha256).toBe(result.expected.get(artifact.recipeHash!));
}

describe("disk faults during a merge", () => {
  it("disk full (ENOSPC): typed error, partials removed, nothing half-published; a retry after freeing space matches a clean merge", async () => {
    const real = canMount();
    let mounted: string | undefined;
    const result = await failThenRecover(
      real
        ? {
            faultEnv: {},
            // Room for the first megabytes of nothing: each of the four outputs is about 230 kB.
            setup: (dataDir) => {
              mounted = path.join(dataDir, "artifacts");
              execFileSync("mount", ["-t", "tmpfs", "-o", "size=300k", "tmpfs", mounted]);
            },
            fix: () => execFileSync("mount", ["-o", "remount,size=64m", mounted!]),
            cleanup: () => {
              if (mounted) execFileSync("umount", ["-l", mounted]);
            },
          }
        : { faultEnv: { PMA_LAB_TEST_WRITE_FAULT: "ENOSPC@300000" }, fix: () => undefined },
    );
    expect(result.failed).toMatchObject({ status: "failed", lastError: { code: "disk_full", permanent: false } });
    expect(result.failed.lastError!.message).toMatch(/disk is full.*free space/);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["failed", "failed"]);
    expectRecovered(result);
    console.log(
      `disk full (${real ? "a real 300 kB tmpfs over the artifacts directory" : "ENOSPC injected at the write: not root"}): ` +
        `2 attempts failed with "${result.failed.lastError!.code}", ${result.published} outputs published while full, partials left 0; ` +
        `after freeing space the retry published ${result.artifacts.length} outputs identical to a clean merge`,
    );
  }, 90_000);

  it("I/O error (EIO) while writing: typed error, partials removed; a retry once the disk is healthy matches a clean merge", async () => {
    const result = await failThenRecover({ faultEnv: { PMA_LAB_TEST_WRITE_FAULT: "EIO@200000" }, fix: () => undefined });
    expect(result.failed).toMatchObject({ status: "failed", lastError: { code: "io_error", permanent: false } });
    expect(result.failed.lastError!.message).toMatch(/I\/O error .*EIO/);
    expect(result.attempts.map((a) => a.outcome)).toEqual(["failed", "failed"]);
    expect(result.published).toBe(0);
    expectRecovered(result);
    console.log(`EIO injected after 200 kB of writes: 2 attempts failed with "io_error", nothing published, partials left 0; the retry matched a clean merge`);
  }, 90_000);
});


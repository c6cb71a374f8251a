import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, listAttempts, listPublishedArtifacts } from "../../db/queries";
import { CRASH_POINTS, type CrashPoint } from "../../lib/jobs/crash-points";
import { describeSweep } from "../../lib/sweeps";
import { checkInvariants } from "./helpers/invariants";
import { mergeDataDir, mergeSweep } from "./helpers/merge-fixture";
import { spawnWorker } from "./helpers/spawn";

/**
 * reliability.md, "crash at every publish step": a worker process is killed (SIGKILL, from inside, by the crash
 * hook of lib/jobs/crash-points.ts) at each step an output goes through on its way to being published — before the
 * call, inside the transaction after the lease check, after moving an earlier orphan aside, after the rename,
 * after the fsync, after the row is written, after the commit, before and after the complete. Then the invariants
 * hold (no row without its files, no partial promoted), and a fresh worker finishes the job with outputs
 * byte-identical to an uninterrupted merge, each exactly once, nothing left over. All points run side by side,
 * each on its own data dir.
 */
const WORKER = ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "2", "--threads", "1"];

async function crashAt(point: CrashPoint) {
  const { db, dataDir } = await mergeDataDir(`pma-crash-${point.replace(/[^a-z]/g, "-")}-`);
  const expected = new Map<string, string>();
  const { sweepId, jobId } = await mergeSweep(db, dataDir, 0, expected, 10);
  if (point === "publish:after-orphan-aside") {
    // An earlier crash between rename and commit left a directory under the first output's name, with no row.
    const orphan = path.join(dataDir, "artifacts", "merges", [...expected.keys()].sort()[0]);
    fs.mkdirSync(orphan, { recursive: true });
    fs.writeFileSync(path.join(orphan, "model.safetensors"), "half of an earlier attempt");
  }
  const crashed = spawnWorker(dataDir, WORKER, { PMA_LAB_TEST_CRASH_AT: point });
  const crash = await crashed.exited;
  // Right after the crash: nothing published is incomplete or wrong, whatever the step.
  checkInvariants(db, dataDir);
  const publishedAtCrash = listPublishedArtifacts(db).length;
  const statusAtCrash = findJobById(db, jobId)!.status;

  const finisher = spawnWorker(dataDir, WORKER);
  const finished = await finisher.exited;
  return { point, db, dataDir, sweepId, jobId, expected, crash, finished, finisher, publishedAtCrash, statusAtCrash };
}

describe("a worker killed at every step of publishing a merge", () => {
  it(`recovers from each of the ${CRASH_POINTS.length} crash points with identical outputs, each exactly once`, async () => {
    const results = await Promise.all(CRASH_POINTS.map(crashAt));
    const lines: string[] = [];
    for (const r of results) {
      expect(r.crash, `${r.point}: the crash hook must have fired`).toEqual({ code: null, signal: "SIGKILL" });
      expect(r.finished.code, `${r.point}: ${r.finisher.stderr()}`).toBe(0);
      const job = findJobById(r.db, r.jobId)!;
      expect(job.status, `${r.point}: ${JSON.stringify(listAttempts(r.db, r.jobId).map((a) => [a.outcome, a.error]))}`).toBe("succeeded");
      const artifacts = listPublishedArtifacts(r.db);
      expect(artifacts.map((a) => a.sha256).sort(), r.point).toEqual([...r.expected.values()].sort());
      for (const artifact of artifacts) expect(artifact.sha256).toBe(r.expected.get(artifact.recipeHash!));
      expect(fs.readdirSync(path.join(r.dataDir, "artifacts", "merges")).sort(), r.point).toEqual([...r.expected.keys()].sort());
      expect(describeSweep(r.db, r.sweepId, r.dataDir).cells.every((cell) => cell.status === "done"), r.point).toBe(true);
      checkInvariants(r.db, r.dataDir);
      const outcomes = listAttempts(r.db, r.jobId).map((a) => a.outcome);
      lines.push(`${r.point}: job ${r.statusAtCrash} with ${r.publishedAtCrash}/${r.expected.size} outputs published at the crash; attempts ${outcomes.join(" → ")}`);
    }
    // The complete landed before the crash only at the last point: then the finisher has nothing to do.
    expect(results.find((r) => r.point === "complete:after-call")!.statusAtCrash).toBe("succeeded");
    expect(results.find((r) => r.point === "publish:before-call")!.publishedAtCrash).toBe(0);
    console.log(`crash at every publish step (each recovered, outputs identical to an uninterrupted merge):\n  ${lines.join("\n  ")}`);
  }, 180_000);
});

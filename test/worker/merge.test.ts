import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import { listPublishedArtifacts } from "../../db/queries";
import { describeSweep } from "../../lib/sweeps";
import { checkInvariants } from "./helpers/invariants";
import { mergeDataDir, mergeSweep } from "./helpers/merge-fixture";
import { sleep, spawnWorker, until } from "./helpers/spawn";

/**
 * reliability.md: kill -9 the worker at random points of a merge, at least 20 times. Each round starts a real
 * `pma-lab worker`, waits for it to claim a merge, lets it run for a uniformly random time up to a little longer
 * than a whole attempt (so kills land while reading, merging, writing, publishing, completing, or just after),
 * kills it with SIGKILL and runs the invariant checker. Killed attempts' leases expire and the next round's
 * worker takes the job over. At the end every output's sha256 equals an uninterrupted merge's.
 */
const ROUNDS = Number(process.env.PMA_LAB_KILL_ROUNDS ?? 20);
const WORKER_ARGS = ["--poll-ms", "20", "--lease-seconds", "1", "--threads", "1"];
/** Stretches each output write so one attempt takes about a second on these fixtures. */
const THROTTLE = { PMA_LAB_TEST_WRITE_DELAY_MS: "12" };

function runningAttempt(db: Db, after: number): { jobId: number; attempt: number } | undefined {
  return db.$client.prepare("select job_id as jobId, attempt from job_attempts where outcome = 'running' and started_at >= ? order by id desc limit 1").get(after) as never;
}

/** Where the attempt was when it died, read off the disk and the database just before the kill. */
function phaseOf(db: Db, dataDir: string, jobId: number, attempt: number): string {
  const row = db.$client.prepare("select outcome from job_attempts where job_id = ? and attempt = ?").get(jobId, attempt) as { outcome: string };
  if (row.outcome !== "running") return `after it ${row.outcome}`;
  const published = db.$client.prepare("select count(*) as n from artifacts where job_id = ? and attempt = ?").get(jobId, attempt) as { n: number };
  if (published.n > 0) return "publishing";
  const dir = path.join(dataDir, "artifacts", "merges");
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir).filter((entry) => entry.includes(`.partial-a${attempt}`)) : [];
  if (entries.some((entry) => /\.partial-a\d+\.partial-/.test(entry))) return "writing outputs";
  if (entries.length > 0) return "outputs written";
  return "opening inputs";
}

describe("merges on real worker processes", () => {
  it(`kill -9 at ${ROUNDS} random points of fused merges: invariants after every kill, re-leased, final sha256 equals an uninterrupted run`, async () => {
    const { db, dataDir } = await mergeDataDir();
    const expected = new Map<string, string>();
    const sweeps = [await mergeSweep(db, dataDir, 0, expected)];
    const landed: Record<string, number> = {};
    let attemptMs = 1_000;

    for (let round = 0; round < ROUNDS; round++) {
      const open = db.$client.prepare("select count(*) as n from jobs where status in ('queued', 'running')").get() as { n: number };
      if (open.n === 0) sweeps.push(await mergeSweep(db, dataDir, sweeps.length, expected));
      const spawned = Date.now();
      const victim = spawnWorker(dataDir, WORKER_ARGS, THROTTLE);
      const claimed = await until(() => runningAttempt(db, spawned), 30_000, 5);
      // Uniform over a whole attempt and a bit beyond: some kills land after the output is published.
      await sleep(Math.random() * attemptMs * 1.3);
      const phase = phaseOf(db, dataDir, claimed.jobId, claimed.attempt);
      victim.child.kill("SIGKILL");
      expect((await victim.exited).signal).toBe("SIGKILL");
      landed[phase] = (landed[phase] ?? 0) + 1;
      // An attempt that got to the end tells us how long a whole one takes on this machine right now.
      const ended = db.$client
        .prepare("select ended_at - started_at as ms from job_attempts where job_id = ? and attempt = ? and outcome = 'succeeded'")
        .get(claimed.jobId, claimed.attempt) as { ms: number } | undefined;
      if (ended) attemptMs = Math.max(300, ended.ms);
      checkInvariants(db, dataDir);
      for (const artifact of listPublishedArtifacts(db)) expect(artifact.sha256).toBe(expected.get(artifact.recipeHash!));
    }

    const finisher = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "1"]);
    expect((await finisher.exited).code, finisher.stderr()).toBe(0);
    const artifacts = listPublishedArtifacts(db);
    expect(artifacts).toHaveLength(expected.size);
    for (const artifact of artifacts) expect(artifact.sha256).toBe(expected.get(artifact.recipeHash!));
    for (const { sweepId } of sweeps) {
      const view = describeSweep(db, sweepId, dataDir);
      expect(view.status).toBe("done");
      expect(view.cells.every((cell) => cell.status === "done" && cell.output?.sha256 === expected.get(cell.recipeHash!))).toBe(true);
    }
    // Each output exactly once on disk: the published directories and nothing else.
    expect(fs.readdirSync(path.join(dataDir, "artifacts", "merges")).sort()).toEqual([...expected.keys()].sort());
    const attempts = db.$client.prepare("select outcome, count(*) as n from job_attempts group by outcome order by outcome").all();
    checkInvariants(db, dataDir);
    console.log(
      `kill -9 trials: ${ROUNDS} kills over ${sweeps.length} fused merge jobs (${expected.size} outputs); kills landed: ${Object.entries(landed)
        .map(([phase, n]) => `${phase} ${n}`)
        .join(", ")}; attempts: ${attempts.map((a) => `${(a as { outcome: string }).outcome} ${(a as { n: number }).n}`).join(", ")}; invariants held after every kill; every sha256 equals the uninterrupted merge`,
    );
  }, 240_000);
});

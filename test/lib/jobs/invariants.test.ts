import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkInvariants } from "../../../lib/jobs/invariants";
import { publishArtifact } from "../../../lib/jobs/publish";
import { claimJob, completeJob, enqueueJob } from "../../../lib/jobs/queue";
import { tempDataDir } from "./helpers";

/** The checker every crash test relies on must itself catch each kind of damage. */
describe("the invariant checker", () => {
  function publishedNoop() {
    const { db, dataDir } = tempDataDir("pma-inv-");
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 64 } } });
    const job = claimJob(db, { workerId: null, kinds: ["noop"], leaseMs: 60_000 }).job!;
    const partial = path.join(dataDir, "artifacts", `test/out.partial-a${job.attempt}`);
    fs.mkdirSync(partial, { recursive: true });
    const bytes = Buffer.alloc(64, 9);
    fs.writeFileSync(path.join(partial, "data.bin"), bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    publishArtifact(db, dataDir, { jobId: job.id, leaseToken: job.leaseToken, name: "test/out", bytes: 64, sha256, files: ["data.bin"] });
    completeJob(db, { jobId: job.id, leaseToken: job.leaseToken, result: { sha256 } });
    const file = path.join(dataDir, "artifacts", "test", "out", "data.bin");
    return { db, dataDir, job, file };
  }

  it("passes a clean data dir and re-hashes every published byte", () => {
    const { db, dataDir } = publishedNoop();
    expect(checkInvariants(db, dataDir)).toEqual({ violations: [], artifacts: 1, bytesHashed: 64 });
  });

  it("catches a flipped byte, a missing file, an extra file and leftovers", () => {
    const flipped = publishedNoop();
    const bytes = fs.readFileSync(flipped.file);
    bytes[10] ^= 1;
    fs.writeFileSync(flipped.file, bytes);
    expect(checkInvariants(flipped.db, flipped.dataDir).violations).toEqual([expect.stringMatching(/test\/out: sha256 on disk .* differs from the recorded/)]);

    const missing = publishedNoop();
    fs.rmSync(path.dirname(missing.file), { recursive: true });
    expect(checkInvariants(missing.db, missing.dataDir).violations).toEqual(["artifact test/out: recorded as published but missing on disk"]);

    const extra = publishedNoop();
    fs.writeFileSync(path.join(path.dirname(extra.file), "stray"), "x");
    fs.mkdirSync(path.join(extra.dataDir, "artifacts", "test", "out.partial-a7"));
    fs.mkdirSync(path.join(extra.dataDir, "artifacts", "test", "unrecorded"));
    expect(checkInvariants(extra.db, extra.dataDir).violations).toEqual([
      expect.stringMatching(/files on disk \[data.bin, stray\] differ/),
      "artifact test/out: 65 bytes on disk, 64 recorded",
      expect.stringMatching(/sha256 on disk \(cannot be computed\)/),
      "test/out.partial-a7: a leftover partial or orphan directory",
      "test/unrecorded: a directory no published artifact records",
    ]);
  });

  it("catches a job running on an expired lease, a double win, and metrics of a losing attempt", () => {
    const { db, dataDir } = tempDataDir("pma-inv-");
    enqueueJob(db, { kind: "noop", payload: {} }, { now: 1_000 });
    const job = claimJob(db, { workerId: null, kinds: ["noop"], leaseMs: 1_000 }, { now: 1_000 }).job!;
    const sql = db.$client;
    expect(checkInvariants(db, dataDir, { now: 3_000 }).violations).toEqual([]);
    expect(checkInvariants(db, dataDir, { now: 10_000 }).violations).toEqual([expect.stringMatching(new RegExp(`job #${job.id} is running on a lease that expired`))]);
    completeJob(db, { jobId: job.id, leaseToken: job.leaseToken, result: null }, { now: 1_500 });
    sql.prepare("insert into job_attempts (job_id, attempt, lease_token, outcome, started_at) values (?, 2, 'x', 'succeeded', 1)").run(job.id);
    expect(checkInvariants(db, dataDir).violations).toEqual([`job #${job.id} has 2 winning attempts`]);
    sql.prepare("delete from job_attempts where lease_token = 'x'").run();

    sql.prepare("insert into runs (name) values ('r')").run();
    sql
      .prepare("insert into checkpoints (run_id, step, path, format, dtypes, params, tensor_count, bytes, shards, fingerprint) values (1, 1, '/x', 'single', '[]', 0, 0, 0, '[]', 'f')")
      .run();
    sql.prepare("insert into evaluations (key, evaluator, origin, checkpoint_id, status, created_at) values ('k', 'e', 'job', 1, 'failed', 0)").run();
    sql.prepare("insert into metrics (evaluation_id, name, value) values (1, 'loss', 1)").run();
    expect(checkInvariants(db, dataDir).violations).toEqual(["evaluation #1 is failed yet holds 1 metrics (a losing attempt's)"]);
  });
});

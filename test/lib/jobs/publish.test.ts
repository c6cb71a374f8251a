import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listPublishedArtifacts } from "../../../db/queries";
import { publishArtifact } from "../../../lib/jobs/publish";
import { claimJob, enqueueJob } from "../../../lib/jobs/queue";
import { manualClock, tempDataDir } from "./helpers";

function setup() {
  const { db, dataDir } = tempDataDir();
  const clock = manualClock();
  const claim = () => claimJob(db, { workerId: null, kinds: ["noop"], leaseMs: 1_000 }, { now: clock.now }).job!;
  const writePartial = (attempt: number, bytes = 10, name = "test/out") => {
    const dir = path.join(dataDir, "artifacts", `${name}.partial-a${attempt}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "data.bin"), Buffer.alloc(bytes, 7));
    return dir;
  };
  const request = (job: { id: number; leaseToken: string }, bytes = 10) => ({ jobId: job.id, leaseToken: job.leaseToken, name: "test/out", bytes, sha256: "1".repeat(64), files: ["data.bin"] });
  return { db, dataDir, clock, claim, writePartial, request, final: path.join(dataDir, "artifacts", "test", "out") };
}

describe("fenced publish", () => {
  it("renames the partial into place and records size and sha256 in one step", () => {
    const { db, dataDir, clock, claim, writePartial, request, final } = setup();
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 10 } } }, { now: clock.now });
    const job = claim();
    const partial = writePartial(job.attempt);
    const result = publishArtifact(db, dataDir, request(job), { now: clock.now });
    expect(result.status).toBe("published");
    expect(result.artifact).toMatchObject({ name: "test/out", bytes: 10, sha256: "1".repeat(64), files: ["data.bin"], state: "published", attempt: 1 });
    expect(fs.existsSync(partial)).toBe(false);
    expect(fs.readFileSync(path.join(final, "data.bin")).length).toBe(10);
    // A retried call (lost response) answers the same; nothing doubles.
    expect(publishArtifact(db, dataDir, request(job), { now: clock.now }).status).toBe("published");
    expect(listPublishedArtifacts(db)).toHaveLength(1);
  });

  it("a stale token publishes nothing and leaves the files alone", () => {
    const { db, dataDir, clock, claim, writePartial, request, final } = setup();
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 10 } } }, { now: clock.now });
    const stale = claim();
    const partial = writePartial(stale.attempt);
    clock.advance(1_001);
    expect(() => publishArtifact(db, dataDir, request(stale), { now: clock.now })).toThrow(expect.objectContaining({ code: "lease_lost" }));
    expect(fs.existsSync(partial)).toBe(true);
    expect(fs.existsSync(final)).toBe(false);
    expect(listPublishedArtifacts(db)).toHaveLength(0);
  });

  it("refuses names the job does not declare, and outputs that differ from the report", () => {
    const { db, dataDir, clock, claim, writePartial, request } = setup();
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 10 } } }, { now: clock.now });
    const job = claim();
    writePartial(job.attempt, 12);
    expect(() => publishArtifact(db, dataDir, { ...request(job), name: "test/other" }, { now: clock.now })).toThrow(expect.objectContaining({ code: "publish_name_invalid" }));
    expect(() => publishArtifact(db, dataDir, { ...request(job), name: "../../etc" }, { now: clock.now })).toThrow(expect.objectContaining({ code: "publish_name_invalid" }));
    expect(() => publishArtifact(db, dataDir, request(job, 10), { now: clock.now })).toThrow(expect.objectContaining({ code: "publish_mismatch" }));
    expect(() => publishArtifact(db, dataDir, { ...request(job, 12), files: ["data.bin", "x"] }, { now: clock.now })).toThrow(expect.objectContaining({ code: "publish_mismatch" }));
    expect(listPublishedArtifacts(db)).toHaveLength(0);
  });

  it("keeps the first copy when another job publishes the same name, and moves a crash orphan aside", () => {
    const { db, dataDir, clock, claim, writePartial, request, final } = setup();
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 10 } } }, { now: clock.now });
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 10 } } }, { now: clock.now });
    const first = claim();
    const second = claim();
    // An orphan: renamed into place by a publish whose commit never happened.
    fs.mkdirSync(final, { recursive: true });
    fs.writeFileSync(path.join(final, "junk"), "x");
    writePartial(first.attempt);
    expect(publishArtifact(db, dataDir, request(first), { now: clock.now }).status).toBe("published");
    expect(fs.readdirSync(final)).toEqual(["data.bin"]);
    expect(fs.readdirSync(path.dirname(final))).toEqual(["out"]);
    // The second job's publish is refused as "exists" (its worker removes its partial).
    const answer = publishArtifact(db, dataDir, request(second), { now: clock.now });
    expect(answer).toMatchObject({ status: "exists", artifact: { jobId: first.id } });
  });
});

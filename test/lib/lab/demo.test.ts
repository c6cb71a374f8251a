import { describe, expect, it } from "vitest";
import { cancelJob } from "../../../lib/jobs/queue";
import { labTrainPayloadSchema } from "../../../lib/jobs/kinds";
import { DEMO_LAB, demoSweepRequest, startDemo } from "../../../lib/lab/demo";
import { LAB_SCALES } from "../../../lib/lab/scales";
import { runCli } from "../../helpers/cli";
import { tempDataDir } from "../jobs/helpers";

describe("the one-command demo", () => {
  it("enqueues the demo lab with its sweep follow-up on the first start, and nothing on later starts", () => {
    const { db } = tempDataDir("pma-demo-");
    const first = startDemo(db);
    expect(first).toEqual({ action: "enqueued", jobId: expect.any(Number) });
    const row = db.$client.prepare("select kind, payload from jobs").all() as { kind: string; payload: string }[];
    expect(row.map((r) => [r.kind, JSON.parse(r.payload)])).toEqual([["lab-train", { scale: "demo", dir: "lab/demo", demoSweep: true }]]);
    expect(startDemo(db)).toEqual({ action: "skipped", reason: expect.stringMatching(/job #\d+ \(queued\)/) });
    // A cancelled demo stays cancelled (retry it from the UI); a restart does not queue a second lab.
    if (first.action === "enqueued") cancelJob(db, first.jobId);
    expect(startDemo(db)).toMatchObject({ action: "skipped", reason: expect.stringMatching(/cancelled/) });
    expect(db.$client.prepare("select count(*) as n from jobs").get()).toEqual({ n: 1 });
  });

  it("sweeps SMA, WMA and EMA 0.1 / 0.2 over N 4, 8 and V 1×, 2× at stable-phase and fork points", () => {
    const scale = LAB_SCALES.demo;
    const perStep = scale.batch * scale.seqLen;
    const request = demoSweepRequest(scale);
    expect(request).toMatchObject({ run: "lab-demo/main", ns: [4, 8], intervals: [40 * perStep, 80 * perStep], evaluators: ["heldout-loss"] });
    expect(request.schemes).toEqual([{ scheme: "sma" }, { scheme: "wma" }, { scheme: "ema", alpha: 0.1 }, { scheme: "ema", alpha: 0.2 }]);
    const steps = request.points.map((tokens) => tokens / perStep);
    expect(steps).toEqual([640, 1120, 1200, 1600, 2000, 2080, 2400, 2560, 3040]);
    for (const fork of scale.branches.forks) expect(steps).toContain(fork);
    // Every point has 8 checkpoints at 2V behind it, after warmup.
    expect(Math.min(...steps) - 7 * 80).toBeGreaterThanOrEqual(scale.main.warmup);
    expect(Math.max(...steps)).toBeLessThanOrEqual(scale.main.steps);
  });

  it("pma-lab lab --enqueue queues the lab for the worker instead of training in-process (directories under the data dir only)", () => {
    const { db, dataDir } = tempDataDir("pma-enqueue-");
    const queued = runCli(["lab", "--scale", "ci", "--enqueue", "--json"], { PMA_LAB_DATA_DIR: dataDir });
    expect(queued.status, queued.stderr).toBe(0);
    expect(queued.json()).toMatchObject({ jobId: expect.any(Number), scale: "ci" });
    const jobs = db.$client.prepare("select kind, status, payload from jobs").all() as { kind: string; status: string; payload: string }[];
    expect(jobs.map((job) => [job.kind, job.status, JSON.parse(job.payload)])).toEqual([["lab-train", "queued", { scale: "ci", dir: "lab/ci", demoSweep: false }]]);
    const outside = runCli(["lab", "--scale", "ci", "--dir", "/tmp", "--enqueue"], { PMA_LAB_DATA_DIR: dataDir });
    expect(outside.status).not.toBe(0);
    expect(outside.stderr).toMatch(/under the data dir/);
  });

  it("accepts lab payloads under the data dir only", () => {
    expect(labTrainPayloadSchema.parse({ scale: "ci", dir: "lab/ci" })).toEqual({ scale: "ci", dir: "lab/ci", demoSweep: false });
    expect(labTrainPayloadSchema.parse(DEMO_LAB)).toEqual(DEMO_LAB);
    for (const dir of ["/etc", "../up", "lab/../../x", "", "lab//x"]) expect(labTrainPayloadSchema.safeParse({ scale: "ci", dir }).success).toBe(false);
    expect(labTrainPayloadSchema.safeParse({ scale: "huge", dir: "lab/x" }).success).toBe(false);
  });
});

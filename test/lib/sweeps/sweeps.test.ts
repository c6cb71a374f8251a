import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findJobById, listJobs } from "../../../db/queries";
import { collectGarbage } from "../../../lib/disk";
import { publishArtifact } from "../../../lib/jobs/publish";
import { claimJob, completeJob, failJob } from "../../../lib/jobs/queue";
import type { MergePassPayload } from "../../../lib/jobs/kinds";
import { parseSchemeList } from "../../../lib/merge/weights";
import { appendSweepCells, cancelSweepCells, createSweep, describeSweep, parseGridText, previewSweep, retrySweepCells } from "../../../lib/sweeps";
import { tempDataDir } from "../jobs/helpers";
import { bigDisk, M, seedRun } from "./helpers";

function counts(db: ReturnType<typeof tempDataDir>["db"]) {
  const one = (table: string) => (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { sweeps: one("sweeps"), cells: one("sweep_cells"), recipes: one("recipes"), jobs: one("jobs") };
}

const grid = { run: "main", points: [5 * M, 8 * M], ns: [3, 6], intervals: [M], schemes: parseSchemeList("sma,wma,ema:0.2") };

/** Does what a worker does for every output of a job: partial → fenced publish; then completes. */
function runJobByHand(db: ReturnType<typeof tempDataDir>["db"], dataDir: string, kinds = ["merge", "sweep-pass"]) {
  const claimed = claimJob(db, { workerId: null, kinds, leaseMs: 60_000 }).job!;
  for (const output of (claimed.payload as MergePassPayload).outputs) {
    const partial = path.join(dataDir, "artifacts", `${output.name}.partial-a${claimed.attempt}`);
    fs.mkdirSync(partial, { recursive: true });
    fs.writeFileSync(path.join(partial, "model.safetensors"), output.recipeHash);
    publishArtifact(db, dataDir, { jobId: claimed.id, leaseToken: claimed.leaseToken, name: output.name, bytes: 64, sha256: "0".repeat(64), files: ["model.safetensors"] });
  }
  completeJob(db, { jobId: claimed.id, leaseToken: claimed.leaseToken, result: null });
  return claimed;
}

describe("sweeps", () => {
  it("stores cells, recipes and fused passes in one go, with reasons for infeasible cells", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    const sweep = createSweep(db, { ...grid, chunkSize: 4 }, { dataDir, statDisk: bigDisk });
    expect(sweep.cells).toHaveLength(12);
    const at5n6 = sweep.cells.filter((cell) => cell.point === 5 * M && cell.n === 6);
    expect(at5n6.every((cell) => !cell.feasible && cell.status === "infeasible")).toBe(true);
    expect(at5n6[0].reason).toMatch(/before training started|needs a checkpoint at 0/);
    const feasible = sweep.cells.filter((cell) => cell.feasible);
    expect(feasible).toHaveLength(9);
    expect(feasible.every((cell) => cell.status === "queued" && cell.recipeHash && cell.jobId)).toBe(true);
    expect(sweep.cells.find((cell) => cell.scheme === "ema:0.2")).toMatchObject({ alpha: 0.2, interval: M });
    // 9 distinct recipes, at most 4 per pass → 3 near-equal passes of 3; each reads its distinct checkpoints once.
    expect(sweep.estimate).toMatchObject({ outputs: 9, bytesToWrite: 9 * 2000, jobs: expect.any(Array) });
    expect(sweep.estimate.jobs).toHaveLength(3);
    const jobs = listJobs(db);
    expect(jobs.map((job) => [job.kind, (job.payload as MergePassPayload).outputs.length])).toEqual([["sweep-pass", 3], ["sweep-pass", 3], ["sweep-pass", 3]]);
    for (const job of jobs) {
      const payload = job.payload as MergePassPayload;
      expect(payload.outputs.every((output) => output.weights.length === payload.inputs.length)).toBe(true);
      for (const output of payload.outputs) expect(output.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    // Windows sharing checkpoints land in the same pass: the T = 5M cells together, the T = 8M ones together.
    const points = jobs.map((job) => new Set((job.payload as MergePassPayload).inputs.map((input) => input.checkpointId)).size);
    expect(points.sort()).toEqual([3, 3, 6]);
    expect(counts(db)).toEqual({ sweeps: 1, cells: 12, recipes: 9, jobs: 3 });
    expect(describeSweep(db, sweep.id, dataDir).status).toBe("queued");
  });

  it("reuses published models and waits on recipes already in flight instead of redoing them", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    const first = createSweep(db, { ...grid, points: [8 * M], ns: [3], schemes: parseSchemeList("sma,wma") }, { dataDir, statDisk: bigDisk });
    runJobByHand(db, dataDir);
    expect(describeSweep(db, first.id, dataDir)).toMatchObject({ status: "done", counts: { done: 2 } });
    const pending = createSweep(db, { ...grid, points: [7 * M], ns: [3], schemes: parseSchemeList("sma") }, { dataDir, statDisk: bigDisk });
    const second = createSweep(db, { ...grid, points: [7 * M, 8 * M], ns: [3], schemes: parseSchemeList("sma,wma") }, { dataDir, statDisk: bigDisk });
    const at8 = second.cells.filter((cell) => cell.point === 8 * M);
    expect(at8.every((cell) => cell.status === "done" && cell.output?.bytes === 64 && cell.jobId === null)).toBe(true);
    const at7sma = second.cells.find((cell) => cell.point === 7 * M && cell.scheme === "sma")!;
    expect(at7sma.jobId).toBe(pending.cells[0].jobId); // in flight for the other sweep: shared, not redone
    expect(second.estimate.outputs).toBe(1); // only 7M/wma is new
  });

  it("previews exactly what create would do, storing nothing, with the disk verdict", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db, "main", { bytes: 1e9 });
    const request = { run: "main", ...parseGridText({ points: "5M,8M", n: "3,6", interval: "1000steps", schemes: "sma,wma,ema:0.2" }, 1000) };
    expect(request).toMatchObject({ points: [5 * M, 8 * M], ns: [3, 6], intervals: [M] });
    const preview = previewSweep(db, request, { dataDir, statDisk: () => ({ freeBytes: 5e9, totalBytes: 10e9 }) });
    expect(preview.cells).toHaveLength(12);
    expect(preview.estimate).toMatchObject({ outputs: 9, bytesToWrite: 9e9 });
    expect(preview.disk).toMatchObject({ ok: false, code: "disk_insufficient", details: { needBytes: 9e9 } });
    expect(counts(db)).toEqual({ sweeps: 0, cells: 0, recipes: 0, jobs: 0 });
    expect(previewSweep(db, request, { dataDir, statDisk: bigDisk }).disk).toEqual({ ok: true });
  });

  it("leaves nothing behind when creation fails midway", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    let enqueued = 0;
    const boom = () => {
      enqueued += 1;
      if (enqueued === 2) throw new Error("crash after the second job");
    };
    expect(() => createSweep(db, { ...grid, chunkSize: 2 }, { dataDir, statDisk: bigDisk, afterEnqueue: boom })).toThrow("crash after the second job");
    expect(counts(db)).toEqual({ sweeps: 0, cells: 0, recipes: 0, jobs: 0 });
  });

  it("refuses before starting when the disk is too small, with the numbers", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db, "main", { bytes: 1e9 });
    const smallDisk = () => ({ freeBytes: 5e9, totalBytes: 10e9 });
    let error: unknown;
    try {
      createSweep(db, grid, { dataDir, statDisk: smallDisk });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: "disk_insufficient",
      details: { needBytes: 9e9, freeBytes: 5e9, reservedBytes: 0, headroomBytes: 256 * 1024 * 1024, dir: dataDir },
    });
    expect((error as Error).message).toMatch(/need 8\.38 GiB \(9000000000 bytes\).*4\.66 GiB free/);
    expect(counts(db)).toEqual({ sweeps: 0, cells: 0, recipes: 0, jobs: 0 });
    // Queued work counts against the disk too: two sweeps that each fit alone do not fit together.
    createSweep(db, { ...grid, points: [8 * M], ns: [3] }, { dataDir, statDisk: smallDisk });
    expect(() => createSweep(db, { ...grid, points: [9 * M], ns: [3] }, { dataDir, statDisk: smallDisk })).toThrow(expect.objectContaining({ code: "disk_insufficient", details: expect.objectContaining({ reservedBytes: 3e9 }) }));
  });

  it("appends only new cells, cancels cells and sweeps, and retries failed cells", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    const deps = { dataDir, statDisk: bigDisk };
    const sweep = createSweep(db, { ...grid, points: [8 * M], ns: [3], schemes: parseSchemeList("sma,wma") }, deps);
    const appended = appendSweepCells(db, sweep.id, { points: [8 * M, 9 * M], ns: [3], intervals: [M], schemes: parseSchemeList("sma,wma") }, deps);
    expect(appended.cells.map((cell) => [cell.position, cell.point])).toEqual([[0, 8 * M], [1, 8 * M], [2, 9 * M], [3, 9 * M]]);
    expect(appended.estimate.outputs).toBe(2);

    // Cancelling one cell of a shared fused pass keeps the pass for the other.
    const [a, b] = appended.cells;
    expect(a.jobId).toBe(b.jobId);
    expect(cancelSweepCells(db, sweep.id, [a.id])).toEqual({ cancelled: 1, jobsCancelled: [] });
    expect(findJobById(db, a.jobId!)!.status).toBe("queued");
    expect(cancelSweepCells(db, sweep.id, [b.id]).jobsCancelled).toEqual([a.jobId]);

    // The 9M pass fails for good; retry gives its cells a new job.
    const claimed = claimJob(db, { workerId: null, kinds: ["merge", "sweep-pass"], leaseMs: 60_000 }).job!;
    failJob(db, { jobId: claimed.id, leaseToken: claimed.leaseToken, error: { code: "boom", message: "disk on fire", permanent: true } });
    let view = describeSweep(db, sweep.id, dataDir);
    expect(view.cells.map((cell) => cell.status)).toEqual(["cancelled", "cancelled", "failed", "failed"]);
    expect(view.status).toBe("failed");
    const retried = retrySweepCells(db, sweep.id, undefined, deps);
    expect(retried.retried).toBe(4);
    view = describeSweep(db, sweep.id, dataDir);
    expect(view.cells.every((cell) => cell.status === "queued")).toBe(true);
    expect(new Set(view.cells.map((cell) => cell.jobId)).size).toBe(1); // one fused pass for all four recipes
    expect(view.cells[2].jobId).not.toBe(claimed.id);

    expect(cancelSweepCells(db, sweep.id).cancelled).toBe(4);
    expect(describeSweep(db, sweep.id, dataDir).status).toBe("cancelled");
    expect(listJobs(db, { statuses: ["queued"] })).toHaveLength(0);
  });

  it("gc deletes unkept models of finished sweeps and strays, keeps kept ones, and reports usage", () => {
    const { db, dataDir } = tempDataDir();
    seedRun(db);
    const deps = { dataDir, statDisk: bigDisk };
    const dropped = createSweep(db, { ...grid, points: [8 * M], ns: [3], schemes: parseSchemeList("sma") }, deps);
    const kept = createSweep(db, { ...grid, points: [9 * M], ns: [3], schemes: parseSchemeList("sma"), keep: true }, deps);
    runJobByHand(db, dataDir);
    runJobByHand(db, dataDir);
    const stray = path.join(dataDir, "artifacts", "merges", `${"a".repeat(64)}.partial-a3`);
    fs.mkdirSync(stray, { recursive: true });
    const report = collectGarbage(db, dataDir, { statDisk: bigDisk });
    expect(report.deleted.map((item) => item.name)).toEqual([`merges/${dropped.cells[0].recipeHash}`]);
    expect(report.freedBytes).toBe(64);
    expect(report.strays).toEqual([`merges/${"a".repeat(64)}.partial-a3`]);
    expect(report.usage).toMatchObject({ artifacts: { count: 1, bytes: 64 }, freeBytes: 1e15 });
    expect(fs.readdirSync(path.join(dataDir, "artifacts", "merges"))).toEqual([kept.cells[0].recipeHash]);
    expect(describeSweep(db, dropped.id, dataDir).cells[0].output).toBeNull();
    expect(collectGarbage(db, dataDir, { statDisk: bigDisk }).deleted).toEqual([]);
  });
});

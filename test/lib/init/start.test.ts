import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findRunByName, listJobs, upsertLogPoints, upsertRun } from "../../../db/queries";
import { collectGarbage } from "../../../lib/disk";
import { startPmaInit } from "../../../lib/init/start";
import { describeRunLineage, listRunInits } from "../../../lib/init/view";
import { pmaInitPayloadSchema, type PmaInitPayload } from "../../../lib/jobs/kinds";
import { publishArtifact } from "../../../lib/jobs/publish";
import { claimJob } from "../../../lib/jobs/queue";
import { createSweep } from "../../../lib/sweeps";
import { tempDataDir } from "../jobs/helpers";
import { bigDisk, M, seedRun } from "../sweeps/helpers";

/** main: checkpoints every 1M tokens (steps 1000 … 10000); a loss log every 100 steps that jumps at step 7500. */
function setup() {
  const { db, dataDir } = tempDataDir("pma-init-");
  const run = seedRun(db, "main");
  const points = Array.from({ length: 100 }, (_, i) => {
    const step = (i + 1) * 100;
    const value = (2 + 3 / Math.sqrt(step / 100)) * (step >= 7500 && step < 7800 ? 1.4 : 1);
    return { series: "loss", step, tokens: step * 1000, value };
  });
  upsertLogPoints(db, run.id, points);
  return { db, dataDir, run };
}

function count(db: ReturnType<typeof tempDataDir>["db"], table: string): number {
  return (db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
}

describe("startPmaInit", () => {
  it("queues the SMA of the three checkpoints before the detected spike, with its lineage, as the recipe a sweep would use", () => {
    const { db, dataDir, run } = setup();
    const started = startPmaInit(db, { run: "main", target: { spike: 1 } }, { dataDir, statDisk: bigDisk });
    expect(started).toMatchObject({ status: "queued", jobId: expect.any(Number), estimatedBytes: 2000, path: path.join(dataDir, "artifacts", "inits", started.recipeHash) });
    expect(started.plan.selection.label).toBe("SMA of steps 5000, 6000, 7000 (k=3)");
    expect(started.plan.anchor).toMatchObject({ kind: "spike", index: 1, startStep: 7500, startTokens: 7_500_000, peakStep: 7500 });

    const [job] = listJobs(db, { kinds: ["pma-init"] });
    const payload = pmaInitPayloadSchema.parse(job.payload);
    expect(payload).toMatchObject({ runId: run.id, recipeHash: started.recipeHash, name: `inits/${started.recipeHash}`, weights: [1 / 3, 1 / 3, 1 / 3] });
    expect(payload.inputs.map((input) => input.path)).toEqual(["/ckpt/main/step-5000", "/ckpt/main/step-6000", "/ckpt/main/step-7000"]);
    expect(payload.lineage).toMatchObject({
      source: { run: "main", runId: run.id },
      k: 3,
      scheme: { scheme: "sma" },
      resumeAt: { step: 7000, tokens: 7 * M },
      checkpoints: [5000, 6000, 7000].map((step) => ({ step, tokens: step * 1000, path: `/ckpt/main/step-${step}`, identity: `fp-main-${step}`, weight: 1 / 3 })),
    });
    // The same checkpoints and weights are the same merge: a sweep's T = 7M, N = 3, V = 1M SMA cell hashes alike.
    const sweep = createSweep(db, { run: "main", points: [7 * M], ns: [3], intervals: [M], schemes: [{ scheme: "sma" }] }, { dataDir, statDisk: bigDisk });
    expect(sweep.cells[0].recipeHash).toBe(started.recipeHash);
  });

  it("waits on the same merge in flight, then reuses it once published; gc never collects it", () => {
    const { db, dataDir, run } = setup();
    const first = startPmaInit(db, { run: "main", target: { tokens: 7 * M } }, { dataDir, statDisk: bigDisk });
    expect(first.plan.anchor).toEqual({ kind: "point", tokens: 7 * M });
    const again = startPmaInit(db, { run: "main", target: { tokens: 7.5 * M } }, { dataDir, statDisk: bigDisk });
    expect(again).toMatchObject({ status: "in-flight", jobId: first.jobId, recipeHash: first.recipeHash });
    expect(listJobs(db, { kinds: ["pma-init"] })).toHaveLength(1);

    // What the worker does: write the partial, then the fenced publish.
    const claimed = claimJob(db, { workerId: null, kinds: ["pma-init"], leaseMs: 60_000 }).job!;
    const name = (claimed.payload as PmaInitPayload).name;
    const partial = path.join(dataDir, "artifacts", `${name}.partial-a${claimed.attempt}`);
    fs.mkdirSync(partial, { recursive: true });
    fs.writeFileSync(path.join(partial, "model.safetensors"), "x".repeat(64));
    // The running attempt's partial is live, not a stray for gc to remove; an unowned leftover is one.
    fs.mkdirSync(path.join(dataDir, "artifacts", "inits", "leftover"));
    expect(collectGarbage(db, dataDir, { dryRun: true }).strays).toEqual(["inits/leftover"]);
    const published = publishArtifact(db, dataDir, { jobId: claimed.id, leaseToken: claimed.leaseToken, name, bytes: 64, sha256: "0".repeat(64), files: ["model.safetensors"] });
    expect(published.artifact).toMatchObject({ kind: "merge", name, recipeHash: null });

    expect(startPmaInit(db, { run: "main", target: { tokens: 7 * M } }, { dataDir, statDisk: bigDisk })).toMatchObject({ status: "published", jobId: null });
    const [view] = listRunInits(db, run.id, dataDir);
    expect(view).toMatchObject({ status: "published", path: path.join(dataDir, "artifacts", name), bytes: 64, label: "SMA of steps 5000, 6000, 7000 (k=3)", anchor: "up to 7M tokens", resumedBy: [] });
    expect(collectGarbage(db, dataDir).deleted).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, "artifacts", name, "model.safetensors"))).toBe(true);

    // A run resumed from it shows the lineage.
    upsertRun(db, "main-restart", { initRecipeHash: first.recipeHash, parentRunId: run.id, forkTokens: 7 * M, kind: "pma-init" });
    expect(describeRunLineage(db, findRunByName(db, "main-restart")!, dataDir)).toEqual({
      recipeHash: first.recipeHash,
      scheme: "SMA",
      k: 3,
      source: { name: "main" },
      steps: [5000, 6000, 7000],
      path: path.join(dataDir, "artifacts", name),
    });
    expect(listRunInits(db, run.id, dataDir)[0].resumedBy).toEqual(["main-restart"]);
  });

  it("refuses an unknown spike, too few checkpoints and a full disk, storing nothing", () => {
    const { db, dataDir } = setup();
    expect(() => startPmaInit(db, { run: "main", target: { spike: 2 } }, { dataDir, statDisk: bigDisk })).toThrow("there is no spike 2: the run has spike 1");
    expect(() => startPmaInit(db, { run: "main", target: { tokens: 2 * M } }, { dataDir, statDisk: bigDisk })).toThrow(expect.objectContaining({ code: "init_too_few_checkpoints" }));
    expect(() => startPmaInit(db, { run: "nope", target: { tokens: 2 * M } }, { dataDir, statDisk: bigDisk })).toThrow(expect.objectContaining({ code: "run_not_found" }));
    const full = () => ({ freeBytes: 256 * 1024 * 1024, totalBytes: 1e9 });
    expect(() => startPmaInit(db, { run: "main", target: { spike: 1 } }, { dataDir, statDisk: full })).toThrow(expect.objectContaining({ code: "disk_insufficient" }));
    expect([count(db, "recipes"), count(db, "jobs")]).toEqual([0, 0]);
  });
});

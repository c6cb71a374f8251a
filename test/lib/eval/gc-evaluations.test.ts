import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../../db/client";
import { collectGarbage } from "../../../lib/disk";
import { enqueueEvaluations, mergeCandidate } from "../../../lib/eval/enqueue";
import { BUILTIN_EVALUATOR, createRegistry } from "../../../lib/eval/registry";
import type { MergePassPayload } from "../../../lib/jobs/kinds";
import { publishArtifact } from "../../../lib/jobs/publish";
import { cancelJob, claimJob, completeJob } from "../../../lib/jobs/queue";
import { parseSchemeList } from "../../../lib/merge/weights";
import { createSweep } from "../../../lib/sweeps";
import { tempDataDir } from "../jobs/helpers";
import { bigDisk, M, seedRun } from "../sweeps/helpers";

describe("gc and evaluations", () => {
  it("keeps a merged model while an evaluation still has to read it, and an evaluation's running partial", () => {
    const { db, dataDir } = tempDataDir("pma-gc-eval-");
    seedRun(db);
    const sweep = createSweep(db, { run: "main", points: [8 * M], ns: [3], intervals: [M], schemes: parseSchemeList("sma") }, { dataDir, statDisk: bigDisk });
    const merge = claimJob(db, { workerId: null, kinds: ["sweep-pass", "merge"], leaseMs: 60_000 }).job!;
    const output = (merge.payload as MergePassPayload).outputs[0];
    fs.mkdirSync(path.join(dataDir, "artifacts", `${output.name}.partial-a1`), { recursive: true });
    fs.writeFileSync(path.join(dataDir, "artifacts", `${output.name}.partial-a1`, "model.safetensors"), "x");
    publishArtifact(db, dataDir, { jobId: merge.id, leaseToken: merge.leaseToken, name: output.name, bytes: 1, sha256: "0".repeat(64), files: ["model.safetensors"] });
    completeJob(db, { jobId: merge.id, leaseToken: merge.leaseToken, result: null });

    const registry = createRegistry([BUILTIN_EVALUATOR], null);
    const { queued } = writeTransaction(db, (tx) => enqueueEvaluations(tx, registry, ["heldout-loss"], [mergeCandidate(sweep.cells[0].recipeHash!, path.join(dataDir, "artifacts"))]));
    const evaluate = claimJob(db, { workerId: null, kinds: ["evaluate"], leaseMs: 60_000 }).job!;
    expect(evaluate.id).toBe(queued[0].jobId);
    const partial = path.join(dataDir, "artifacts", `evals/${queued[0].key}.partial-a1`);
    fs.mkdirSync(partial, { recursive: true });

    const during = collectGarbage(db, dataDir, { statDisk: bigDisk });
    expect(during.deleted).toEqual([]);
    expect(during.strays).toEqual([]);
    expect(fs.existsSync(partial)).toBe(true);

    cancelJob(db, evaluate.id);
    const after = collectGarbage(db, dataDir, { statDisk: bigDisk });
    expect(after.deleted.map((item) => item.name)).toEqual([output.name]);
    expect(after.strays).toEqual([`evals/${queued[0].key}.partial-a1`]);
  });
});

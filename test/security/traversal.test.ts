import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { listRuns } from "../../db/queries";
import { registerCheckpoints } from "../../lib/checkpoints/register";
import { parseConfig } from "../../lib/env";
import { handleWorkerApi } from "../../lib/jobs/api/handler";
import { claimJob, enqueueJob } from "../../lib/jobs/queue";
import { JobService } from "../../lib/jobs/service";
import { createWorkerToken } from "../../lib/jobs/tokens";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";
import { ARTIFACT_NAME_CORPUS, pathCorpus, RUN_NAME_CORPUS } from "./traversal-corpus";

/**
 * The traversal corpus against every entry point that takes a name or a path, in-process (the browser suite
 * repeats the HTTP ones against the real server, URL decoding included): registering a directory (the API, the
 * Register form and Rescan all go through registerCheckpoints), importing scores for a checkpoint, and publishing
 * an artifact. Every attempt is refused with 400/403/404 and a typed code, and nothing outside the roots is ever
 * registered, written or echoed.
 */
const base = makeTempDir("pma-traversal-");
const dataDir = path.join(base, "data");
const root = path.join(base, "root");
const outside = path.join(base, "outside");
const link = path.join(root, "link-out");
process.env.PMA_LAB_DATA_DIR = dataDir;
process.env.PMA_LAB_ROOTS = root;

const { POST: scan } = await import("../../app/api/runs/scan/route");
const { POST: importScores } = await import("../../app/api/imports/route");

const json = (body: unknown) => ({ method: "POST", headers: { host: "127.0.0.1:3000", "content-type": "application/json" }, body: JSON.stringify(body) });
const REFUSED = [400, 403, 404];

beforeAll(async () => {
  const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
  for (const step of [100, 200]) {
    await writeCheckpoint(path.join(root, "run", `step-${step}`), { tensors, seed: step });
    await writeCheckpoint(path.join(outside, "run", `step-${step}`), { tensors, seed: step });
  }
  fs.symlinkSync(path.join(outside, "run"), link);
  fs.writeFileSync(path.join(outside, "secret.txt"), "TOP-SECRET-CANARY");
});

function outsideUntouched(): void {
  expect(listRuns(openDatabase(path.join(dataDir, "pma-lab.sqlite"))).filter((run) => run.name !== "inside")).toEqual([]);
  expect(fs.readdirSync(outside).sort()).toEqual(["run", "secret.txt"]);
}

describe("registering a directory (POST /api/runs/scan, the Register form, Rescan)", () => {
  it.each(pathCorpus({ root, outside, link }))("refuses %s", async (_label, directory) => {
    const response = await scan(new Request("http://127.0.0.1:3000/api/runs/scan", json({ directory, run: "probe" })));
    expect(REFUSED).toContain(response.status);
    const body = await response.json();
    expect(body.error.code).toMatch(/^(path_|invalid_request|checkpoint_)/);
    expect(JSON.stringify(body)).not.toMatch(/TOP-SECRET|root:x:0:0|PMA_LAB_ROOTS=/);
    // The same request through the library the server actions call.
    await expect(registerCheckpoints(openDatabase(path.join(dataDir, "pma-lab.sqlite")), parseConfig(process.env), { directory, run: "probe" })).rejects.toMatchObject({
      code: expect.stringMatching(/^path_/),
    });
    outsideUntouched();
  });

  it.each(RUN_NAME_CORPUS.map((name) => [JSON.stringify(name).slice(0, 40), name]))("refuses the run name %s", async (_label, run) => {
    const response = await scan(new Request("http://127.0.0.1:3000/api/runs/scan", json({ directory: path.join(root, "run"), run })));
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_request");
    const branch = await scan(new Request("http://127.0.0.1:3000/api/runs/scan", json({ directory: path.join(root, "run"), run: "ok", branchOf: run, forkTokens: 1 })));
    expect(branch.status).toBe(400);
    outsideUntouched();
  });

  it("still registers the real directory inside the root", async () => {
    const response = await scan(new Request("http://127.0.0.1:3000/api/runs/scan", json({ directory: path.join(root, "run"), run: "inside" })));
    expect(response.status).toBe(200);
    expect((await response.json()).added).toBe(2);
  });
});

describe("importing scores for a checkpoint (POST /api/imports)", () => {
  const csv = "run,step,metric,value\ninside,100,acc,0.5\n";
  it.each(pathCorpus({ root, outside, link }))("refuses the checkpoint %s", async (_label, checkpoint) => {
    const response = await importScores(new Request("http://127.0.0.1:3000/api/imports", json({ format: "lm-eval", name: "r.json", content: "{}", checkpoint })));
    expect(REFUSED).toContain(response.status);
    expect(JSON.stringify(await response.json())).not.toMatch(/TOP-SECRET|root:x:0:0/);
    outsideUntouched();
  });

  it.each(["../../outside/x.csv", "/etc/cron.d/x.csv", "..\\..\\x.csv", "a\u0000.csv", `${outside}/planted.csv`])("keeps the file name %s out of every path", async (name) => {
    const response = await importScores(new Request("http://127.0.0.1:3000/api/imports", json({ format: "csv", name, content: csv })));
    expect([200, 400]).toContain(response.status);
    outsideUntouched();
    // Stored content-addressed under the data dir, never under the given name.
    expect(fs.readdirSync(path.join(dataDir, "imports")).every((file) => /^[0-9a-f]{64}\.csv$/.test(file))).toBe(true);
  });
});

describe("publishing an artifact (POST /api/worker/publish)", () => {
  it("refuses every name the job does not declare, and every action name that is not one", async () => {
    const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
    const service = new JobService(db, dataDir, { backoff: { baseMs: 10, maxMs: 10 } });
    const { token } = createWorkerToken(db, "traversal");
    const { workerId } = service.registerWorker({ name: "w", host: "h", pid: null, cpus: 1, memory: 1, gpus: [], slots: { cpu: 1, gpus: [] }, heartbeatEveryMs: 1000 }, {
      mode: "remote",
      tokenId: 1,
    });
    enqueueJob(db, { kind: "noop", payload: { publish: { name: "out", bytes: 1 } } });
    const job = claimJob(db, { workerId, kinds: ["noop"], leaseMs: 60_000 }).job!;
    const call = (action: string, body: unknown) =>
      handleWorkerApi(action, new Request("http://127.0.0.1/api/worker/x", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }), { db, service });
    for (const name of ARTIFACT_NAME_CORPUS) {
      const response = await call("publish", { jobId: job.id, leaseToken: job.leaseToken, name, bytes: 1, sha256: "0".repeat(64), files: ["data.bin"] });
      expect(REFUSED, name).toContain(response.status);
      expect((await response.json()).error.code, name).toMatch(/^(publish_name_invalid|invalid_request)$/);
    }
    for (const action of ["../claim", "..%2fclaim", "claim/../publish", "__proto__", "constructor", "toString"]) {
      expect((await call(action, {})).status, action).toBe(404);
    }
    expect(fs.existsSync(path.join(dataDir, "x"))).toBe(false);
    outsideUntouched();
  });
});

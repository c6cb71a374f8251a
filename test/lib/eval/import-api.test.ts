import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../../db/client";
import { listLatestMetrics } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import type { Config } from "../../../lib/env";
import { handleImportRequest, MAX_IMPORT_BODY_BYTES } from "../../../lib/eval/import-api";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { FIXTURES } from "./helpers";

const NA_RESULTS = path.join(FIXTURES, "eval_2026-05-02T10-11-12.483920.json");

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://lab.local/api/imports", {
    method: "POST",
    headers: { host: "lab.local", origin: "http://lab.local", "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("POST /api/imports", () => {
  let db: Db;
  let config: Config;
  let checkpoint: string;
  const content = () => fs.readFileSync(NA_RESULTS, "utf8");

  beforeAll(async () => {
    const base = makeTempDir("pma-import-api-");
    const dataDir = path.join(base, "data");
    const runDir = path.join(base, "ckpt", "anneal");
    config = { dataDir, databasePath: path.join(dataDir, "db.sqlite"), roots: [dataDir, path.join(base, "ckpt")] };
    db = openDatabase(config.databasePath);
    await writeCheckpoint(path.join(runDir, "checkpoint-100"), { tensors: llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 }), seed: 1 });
    await registerCheckpoints(db, config, { directory: runDir, run: "anneal", tokensPerStep: 1000 });
    checkpoint = path.join(runDir, "checkpoint-100");
  });

  const send = (request: Request) => handleImportRequest(request, { db, dataDir: config.dataDir });

  it("attaches a results file to a registered checkpoint; the same file again changes nothing", async () => {
    const first = await send(post({ format: "lm-eval", name: "results.json", content: content(), run: "anneal", step: 100 }));
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body.imported).toHaveLength(1);
    expect(body.imported[0]).toMatchObject({ duplicate: false });
    const count = listLatestMetrics(db, { checkpointIds: [body.imported[0].checkpointId] }).length;
    expect(count).toBeGreaterThan(0);
    const again = await (await send(post({ format: "lm-eval", name: "results.json", content: content(), checkpoint }))).json();
    expect(again.imported[0]).toMatchObject({ duplicate: true, evaluationId: body.imported[0].evaluationId });
    expect(listLatestMetrics(db, { checkpointIds: [body.imported[0].checkpointId] })).toHaveLength(count);
  });

  it("imports a CSV", async () => {
    const response = await send(post({ format: "csv", name: "s.csv", content: "run,step,metric,value,stderr,n\nanneal,100,custom/score,0.5,0.01,100\n" }));
    expect(response.status).toBe(200);
    expect((await response.json()).imported[0]).toMatchObject({ metrics: 1, duplicate: false });
  });

  it("answers 404 with a clear message for an unregistered checkpoint", async () => {
    const response = await send(post({ format: "lm-eval", name: "results.json", content: content(), run: "anneal", step: 999 }));
    expect(response.status).toBe(404);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: "eval_checkpoint_unregistered" });
    expect(error.message).toContain("no checkpoint at step 999");
  });

  it("refuses cross-origin, non-JSON, malformed and oversized requests", async () => {
    expect((await send(post({ format: "csv", name: "s.csv", content: "x" }, { origin: "http://evil.example" }))).status).toBe(403);
    expect((await send(post("format=csv", { "content-type": "application/x-www-form-urlencoded" }))).status).toBe(415);
    expect((await send(post("{"))).status).toBe(400);
    expect((await send(post({ format: "lm-eval", name: "r.json", content: "{}" }))).status).toBe(400);
    const huge = post({ format: "csv", name: "big.csv", content: "a".repeat(MAX_IMPORT_BODY_BYTES) });
    const response = await send(huge);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
  });
});

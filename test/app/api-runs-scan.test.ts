import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";

const base = makeTempDir("pma-api-");
process.env.PMA_LAB_DATA_DIR = path.join(base, "data");
process.env.PMA_LAB_ROOTS = path.join(base, "ckpt");

const { POST } = await import("../../app/api/runs/scan/route");
const { GET } = await import("../../app/api/runs/route");

function post(body: unknown, headers: Record<string, string> = { "content-type": "application/json", host: "127.0.0.1:3000" }) {
  return POST(new Request("http://127.0.0.1:3000/api/runs/scan", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }));
}

describe("POST /api/runs/scan", () => {
  const runDir = path.join(base, "ckpt", "run");
  beforeAll(async () => {
    const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
    for (const step of [10, 20]) await writeCheckpoint(path.join(runDir, `checkpoint-${step}`), { tensors, seed: step });
  });

  it("registers the directory a training loop names and answers the scan result", async () => {
    const response = await post({ directory: runDir, run: "loop", tokensPerStep: 100 });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ run: "loop", added: 2 });
    expect(body.checkpoints.map((c: { tokens: number }) => c.tokens)).toEqual([1000, 2000]);
    const again = await (await post({ directory: runDir, run: "loop" })).json();
    expect(again.added).toBe(0);
    const runs = await GET(new Request("http://127.0.0.1:3000/api/runs", { headers: { host: "127.0.0.1:3000" } })).json();
    expect(runs.runs[0]).toMatchObject({ name: "loop", checkpointCount: 2 });
  });

  it.each([
    ["a path outside the roots", { directory: "/etc", run: "x" }, 403, "path_outside_roots"],
    ["a traversal", { directory: `${runDir}/../../../..`, run: "x" }, 403, "path_outside_roots"],
    ["a missing directory", { directory: path.join(base, "ckpt", "nope"), run: "x" }, 404, "path_not_found"],
    ["a missing run name", { directory: runDir }, 400, "invalid_request"],
    ["a bad schedule", { directory: runDir, run: "x", schedule: "soon" }, 400, "invalid_request"],
  ])("refuses %s", async (_label, body, status, code) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
  });

  it("refuses malformed JSON, non-JSON bodies and cross-origin requests", async () => {
    expect((await post("{")).status).toBe(400);
    expect((await post({ directory: runDir, run: "x" }, { "content-type": "text/plain", host: "127.0.0.1:3000" })).status).toBe(415);
    const cross = await post({ directory: runDir, run: "x" }, { "content-type": "application/json", host: "127.0.0.1:3000", origin: "http://evil.example" });
    expect(cross.status).toBe(403);
  });
});

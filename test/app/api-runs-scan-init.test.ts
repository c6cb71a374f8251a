import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";

const base = makeTempDir("pma-api-init-");
process.env.PMA_LAB_DATA_DIR = path.join(base, "data");
process.env.PMA_LAB_ROOTS = path.join(base, "ckpt");

const { POST } = await import("../../app/api/runs/scan/route");
const { getDb } = await import("../../db");
const { startPmaInit } = await import("../../lib/init/start");
const { findRunByName } = await import("../../db/queries");

function post(body: unknown) {
  return POST(new Request("http://127.0.0.1:3000/api/runs/scan", { method: "POST", headers: { "content-type": "application/json", host: "127.0.0.1:3000" }, body: JSON.stringify(body) }));
}

describe("POST /api/runs/scan with initFrom", () => {
  const source = path.join(base, "ckpt", "source");
  const resumed = path.join(base, "ckpt", "resumed");
  let hash: string;
  beforeAll(async () => {
    const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
    for (const step of [10, 20, 30]) await writeCheckpoint(path.join(source, `checkpoint-${step}`), { tensors, seed: step });
    await writeCheckpoint(path.join(resumed, "checkpoint-40"), { tensors, seed: 40 });
    expect((await post({ directory: source, run: "source", tokensPerStep: 100 })).status).toBe(200);
    hash = startPmaInit(getDb(), { run: "source", target: { tokens: 3000 } }, { dataDir: path.join(base, "data"), statDisk: () => ({ freeBytes: 1e15, totalBytes: 2e15 }) }).recipeHash;
  });

  it("records the recipe a training loop names as the run's initialisation", async () => {
    const response = await post({ directory: resumed, run: "resumed", tokensPerStep: 100, initFrom: hash });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ run: "resumed", added: 1, initRecipeHash: hash });
    // A later rescan without initFrom keeps the lineage.
    expect(await (await post({ directory: resumed, run: "resumed" })).json()).toMatchObject({ initRecipeHash: hash });
  });

  it.each([
    ["a recipe nobody stored", "ab".repeat(32), 404, "init_recipe_not_found"],
    ["a directory outside the roots", "/etc", 403, "path_outside_roots"],
    ["a relative path", "merges/x", 400, "init_from_invalid"],
  ])("refuses %s, registering nothing", async (_label, initFrom, status, code) => {
    const response = await post({ directory: resumed, run: "refused", initFrom });
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
    expect(findRunByName(getDb(), "refused")).toBeUndefined();
  });
});

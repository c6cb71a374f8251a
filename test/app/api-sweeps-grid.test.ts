import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTransaction } from "../../db/client";
import { insertEvaluationOnce, insertMetrics, listCells } from "../../db/queries";
import { parseCsv } from "../../lib/eval/csv";
import { parseSchemeList } from "../../lib/merge/weights";
import { seedGridSweep } from "../../scripts/bench/grid-seed";
import { makeTempDir } from "../helpers/checkpoint-fixtures";

const base = makeTempDir("pma-api-grid-");
process.env.PMA_LAB_DATA_DIR = path.join(base, "data");

const { getDb } = await import("../../db");
const { GET } = await import("../../app/api/sweeps/[id]/grid/route");

const M = 1_000_000;
let sweepId: number;

function get(id: string | number, query: string) {
  return GET(new Request(`http://127.0.0.1:3000/api/sweeps/${id}/grid?${query}`, { headers: { host: "127.0.0.1:3000" } }), { params: Promise.resolve({ id: String(id) }) });
}

beforeAll(() => {
  const db = getDb();
  sweepId = seedGridSweep(db, { schemes: parseSchemeList("sma,wma"), ns: [1, 2, 3], intervals: [M, 2 * M], points: [4 * M, 6 * M], every: M, annealedAt: [6 * M], seed: 3 }).sweepId;
  // An imported metric whose name would run as a formula in a spreadsheet.
  const hash = listCells(db, sweepId).find((c) => c.recipeHash)!.recipeHash!;
  writeTransaction(db, (tx) => {
    const evaluation = insertEvaluationOnce(tx, { key: "evil", evaluator: "import:csv", evaluatorFingerprint: null, origin: "import", target: { recipeHash: hash }, status: "succeeded", now: 1 }).evaluation;
    insertMetrics(tx, evaluation.id, [{ name: '=HYPERLINK("http://x")', value: -1, stderr: null, n: null, higherIsBetter: true }]);
  });
});

describe("GET /api/sweeps/:id/grid", () => {
  it("downloads every row of the filtered, sorted view as CSV, with the view's columns", async () => {
    const response = await get(sweepId, "format=csv&scheme=wma&sort=m%3Aheldout%2Floss.asc&hide=da&hide=m%3Ammlu%2Facc&page=2&size=25");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="sweep-${sweepId}-grid.csv"`);
    const [header, ...rows] = parseCsv(await response.text(), "download").map((r) => r.fields);
    expect(header.slice(0, 9)).toEqual(["cell_id", "scheme", "n", "v_tokens", "t_tokens", "status", "'=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")_stderr", "'=HYPERLINK(\"http://x\")_delta_checkpoint"]);
    expect(header).toContain("heldout/loss_delta_checkpoint");
    expect(header).not.toContain("heldout/loss_delta_annealed");
    expect(header.some((h) => h.startsWith("mmlu/acc"))).toBe(false);
    // Not one page: all 12 wma cells, feasible ones sorted by loss, missing values last.
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r[1] === "wma")).toBe(true);
    const loss = rows.map((r) => r[header.indexOf("heldout/loss")]).filter((v) => v !== "").map(Number);
    expect(loss).toEqual([...loss].sort((a, b) => a - b));
  });

  it("downloads the same view as JSON with exact numbers", async () => {
    const response = await get(sweepId, "format=json&scheme=wma&sort=m%3Aheldout%2Floss.asc&hide=da&hide=m%3Ammlu%2Facc");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ sweep: sweepId, run: "bench/main" });
    expect(body.rows).toHaveLength(12);
    expect(typeof body.rows[0]["heldout/loss"]).toBe("number");
    expect(body.columns).toContain("heldout/loss_stderr");
  });

  it("refuses an unknown format and answers 404 for an unknown sweep", async () => {
    const bad = await get(sweepId, "format=xlsx");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "invalid_format" });
    expect((await get(999, "format=csv")).status).toBe(404);
    expect((await get("abc", "format=csv")).status).toBe(404);
  });
});

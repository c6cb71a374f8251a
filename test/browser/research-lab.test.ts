import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { findRunByName, findSweepById, listCells, listCheckpoints, listLatestMetrics } from "../../db/queries";
import { enqueueJob } from "../../lib/jobs/queue";
import { planSweep } from "../../lib/merge/plan";
import { toPlanCheckpoints } from "../../lib/sweeps/create";
import { copyCiLab } from "../helpers/ci-lab";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { spawnWorker, until, type WorkerProcess } from "../worker/helpers/spawn";
import { buildIfStale, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

/**
 * The research workflow on the ci-scale reference lab, as a researcher drives it: build a sweep in the launcher
 * (its preview checked against the planner), launch it, watch a real worker merge and score it, then read the
 * ablation grid (numbers equal to the database's), its heatmap, the charts, the annealing prediction and the
 * comparison page, and create a PMA-init checkpoint from the unstable run's spike. Screenshots of every page go
 * to test-results/screenshots/research-*.png.
 */
const LOSS = "heldout/loss";
// ci scale: 512 tokens a step, a checkpoint every 32 steps; branches fork at 736, 896, 1056 and anneal for 224.
const tokensPerStep = 512;
const forks = [736, 896, 1056];
const branchEnds = forks.map((step) => step + 224);

let root: string;
let dataDir: string;
let db: Db;
let server: Server | undefined;
let worker: WorkerProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;
let sweepId: number;

/** Waits until every chart on the page has drawn, then returns the painted pixels of each (canvas or SVG paths). */
async function drawnCharts(minimum: number): Promise<number[]> {
  await page.waitForFunction(
    (count) => {
      const charts = [...document.querySelectorAll("[data-chart]")];
      return charts.length >= count && charts.every((chart) => chart.getAttribute("data-rendered") === "true");
    },
    minimum,
    { timeout: 30_000 },
  );
  return page.$$eval("[data-chart]", (charts) =>
    charts.map((chart) => {
      const canvas = chart.querySelector("canvas");
      if (!canvas) return chart.querySelectorAll("svg path").length;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
      return painted;
    }),
  );
}

beforeAll(async () => {
  root = makeTempDir("pma-research-");
  dataDir = path.join(root, "data");
  // The cached ci lab (trained once per lab version), registered by the lab job as `npm start` would.
  await copyCiLab(path.join(dataDir, "lab", "ci"));
  db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  enqueueJob(db, { kind: "lab-train", payload: { scale: "ci", dir: "lab/ci", demoSweep: false } });
  const registrar = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50"]);
  expect((await registrar.exited).code, registrar.stderr()).toBe(0);

  buildIfStale();
  server = await startServer({ PMA_LAB_DATA_DIR: dataDir });
  worker = spawnWorker(dataDir, ["--poll-ms", "100"]);
  ({ browser, page } = await launchBrowser());
  shot = screenshotter(page, "research-");
}, 900_000);

afterAll(() =>
  tearDown({ browser, server, root }, async () => {
    worker?.child.kill("SIGTERM");
    if (worker) await worker.exited;
    db?.$client.close();
  }),
);

describe("research on the ci-scale lab", () => {
  it("builds a sweep in the launcher whose preview is the planner's, and launches it", async () => {
    await page.goto(`${server!.url}/sweeps`);
    await expect(page.getByLabel("Run").inputValue()).resolves.toBe("lab-ci/main");
    await page.getByRole("radio", { name: "A list" }).check();
    // The fork points and the branches' ends: merges at the ends meet the annealed models (the prediction's target).
    const steps = [...forks, ...branchEnds].sort((a, b) => a - b);
    await page.getByLabel("Points", { exact: true }).fill(steps.map((step) => `${step}steps`).join(","));
    await page.getByLabel("Window sizes N").fill("2,4");
    await page.getByLabel("Intervals V").fill("32steps");
    await page.getByLabel("WMA (∝ i)").check();
    await page.locator('input[name="evaluator"][value="heldout-loss"]').check();
    await page.waitForFunction(() => /24 cells ·/.test(document.querySelector('[data-testid="preview-summary"]')?.textContent ?? ""), undefined, { timeout: 30_000 });

    const run = findRunByName(db, "lab-ci/main")!;
    const plan = planSweep(toPlanCheckpoints(listCheckpoints(db, run.id, { includeMissing: true })), {
      points: steps.map((step) => step * tokensPerStep),
      ns: [2, 4],
      intervals: [32 * tokensPerStep],
      schemes: [{ scheme: "sma" }, { scheme: "wma" }],
    });
    const rows = page.locator('[data-testid="preview-table"] tbody tr');
    await expect(rows.count()).resolves.toBe(plan.cells.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-recipe") ?? ""));
    // The same cells, with the same recipes (a recipe names its checkpoints and weights), whatever the order.
    expect([...shown].sort()).toEqual(plan.cells.map((cell) => cell.recipeHash ?? "").sort());
    expect(plan.cells.every((cell) => cell.plan.feasible)).toBe(true);
    await expect(page.getByTestId("cost-estimate").innerText()).resolves.toMatch(/TO WRITE[\s\S]*24 new merged models/i);
    await shot("launcher");

    await page.getByRole("button", { name: "Launch sweep" }).click();
    await page.waitForURL(/\/sweeps\/\d+$/, { timeout: 30_000 });
    sweepId = Number(/\/sweeps\/(\d+)$/.exec(page.url())![1]);
    await shot("sweep-running");
    await until(() => findSweepById(db, sweepId)?.status === "done", 600_000, 500);
    expect(listCells(db, sweepId).filter((cell) => cell.status === "done")).toHaveLength(24);
    // Merged means published; the scores follow as the worker evaluates each model.
    const hashes = listCells(db, sweepId).flatMap((cell) => (cell.recipeHash ? [cell.recipeHash] : []));
    await until(() => listLatestMetrics(db, { recipeHashes: hashes }).filter((m) => m.name === LOSS).length === 24, 600_000, 1000);
  }, 700_000);

  it("shows the grid with the database's numbers, and the heatmap", async () => {
    await page.goto(`${server!.url}/sweeps/${sweepId}?size=50`);
    const cells = listCells(db, sweepId);
    const stored = listLatestMetrics(db, { recipeHashes: cells.flatMap((cell) => (cell.recipeHash ? [cell.recipeHash] : [])) });
    let checked = 0;
    for (const cell of cells) {
      const saved = stored.find((m) => m.recipeHash === cell.recipeHash && m.name === LOSS);
      expect(saved, `cell ${cell.id} has a held-out loss`).toBeDefined();
      const title = await page.locator(`tr[data-cell="${cell.id}"] td[data-column="m:${LOSS}"] span[title]`).getAttribute("title");
      // The title carries the exact stored numbers (the built-in loss states no stderr).
      expect(title).toBe(saved!.stderr === null ? String(saved!.value) : `${saved!.value} ± ${saved!.stderr}`);
      checked += 1;
    }
    expect(checked).toBe(24);
    await shot("grid");

    await page.goto(`${server!.url}/sweeps/${sweepId}?view=heatmap`);
    const [painted] = await drawnCharts(1);
    expect(painted).toBeGreaterThan(1000);
    await shot("heatmap");
  });

  it("draws every chart of the sweep, and the annealing prediction with its errors", async () => {
    await page.goto(`${server!.url}/sweeps/${sweepId}/charts`);
    const charts = await drawnCharts(3);
    for (const painted of charts) expect(painted).toBeGreaterThan(500);
    await shot("charts");

    await page.goto(`${server!.url}/sweeps/${sweepId}/prediction`);
    const prediction = await drawnCharts(1);
    for (const painted of prediction) expect(painted).toBeGreaterThan(500);
    // Three forks, each with its annealed branch scored at its end: the error table has a number per fork.
    await expect(page.locator("table").first().innerText()).resolves.toMatch(/\d\.\d/);
    await shot("prediction");

    await page.goto(`${server!.url}/compare`);
    const compare = await drawnCharts(1);
    for (const painted of compare) expect(painted).toBeGreaterThan(500);
    await shot("compare");
  });

  it("marks the unstable run's spike and publishes a PMA-init checkpoint from before it", async () => {
    await page.goto(`${server!.url}/runs/lab-ci/unstable`);
    await drawnCharts(1);
    await expect(page.locator('[data-testid="spike-table"] tbody tr').count()).resolves.toBeGreaterThanOrEqual(1);
    await page.getByRole("button", { name: "PMA-init from before spike 1" }).click();
    await expect(page.getByTestId("init-preview").innerText()).resolves.toMatch(/^SMA of steps \d+, \d+, \d+ \(k=3\)/);
    await page.getByRole("button", { name: "Create PMA-init checkpoint" }).click();
    const published = page.locator('[data-testid="init-list"] li').filter({ hasText: "published" });
    await published.waitFor({ timeout: 120_000 });
    const dir = /(\/\S+\/artifacts\/inits\/[0-9a-f]{64})/.exec(await published.innerText())![1];
    expect(fs.readdirSync(dir)).toEqual(expect.arrayContaining(["config.json", "model.safetensors", "pma-init.json", "pma-merge.json"]));
    await shot("run-unstable");
  }, 180_000);
});

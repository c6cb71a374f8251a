import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { findRunByName, findSweepById, listCheckpoints, listCells } from "../../db/queries";
import { planSweep } from "../../lib/merge/plan";
import { toPlanCheckpoints } from "../../lib/sweeps/create";
import { makeTempDir, writeCheckpoint } from "../helpers/checkpoint-fixtures";
import { spawnWorker, until, type WorkerProcess } from "../worker/helpers/spawn";
import { writeRun } from "./fixtures";
import { buildIfStale, cliScan, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

// The launcher and PMA-init in the real app (next build + next start) with a real worker process running the jobs.
const tokensPerStep = 4096;
const mainSteps = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];

let root: string;
let env: Record<string, string>;
let server: Server | undefined;
let worker: WorkerProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;
let db: Db;

/** Checkpoints every 20 steps and a loss log that jumps by half at step 450 and stays up. */
async function writeUnstableRun(dir: string): Promise<void> {
  for (const step of [20, 40, 60, 80, 100, 200, 300, 400, 500, 600]) await writeCheckpoint(path.join(dir, `step-${step}`), { seed: step, extraFiles: { "tokenizer.json": "{}\n" } });
  const lines = [];
  for (let step = 5; step <= 600; step += 5) lines.push(JSON.stringify({ step, loss: (2.5 + 2 / Math.sqrt(step / 5)) * (step >= 450 ? 1.5 : 1) }));
  fs.writeFileSync(path.join(dir, "train_log.jsonl"), `${lines.join("\n")}\n`);
}

beforeAll(async () => {
  root = makeTempDir("pma-launcher-");
  const checkpoints = path.join(root, "checkpoints");
  env = { PMA_LAB_DATA_DIR: path.join(root, "data"), PMA_LAB_ROOTS: checkpoints };
  const schedule = { warmup: 50, stable: 1000, decay: 1200 };
  await writeRun(path.join(checkpoints, "main"), { steps: mainSteps, logFrom: 5, logTo: 1000, schedule, peakLr: 3e-4, shards: () => 1 });
  await writeRun(path.join(checkpoints, "anneal-500"), { steps: [600, 700], logFrom: 500, logTo: 700, schedule: { warmup: 50, stable: 500, decay: 700 }, peakLr: 3e-4, lossShift: 0.3, shards: () => 1 });
  await writeUnstableRun(path.join(checkpoints, "unstable"));
  cliScan(env, path.join(checkpoints, "main"), ["--run", "tiny/main", "--tokens-per-step", String(tokensPerStep)]);
  cliScan(env, path.join(checkpoints, "anneal-500"), ["--run", "tiny/anneal-500", "--tokens-per-step", String(tokensPerStep), "--branch-of", "tiny/main", "--fork-tokens", String(500 * tokensPerStep), "--kind", "annealed"]);
  cliScan(env, path.join(checkpoints, "unstable"), ["--run", "tiny/unstable", "--tokens-per-step", String(tokensPerStep), "--kind", "unstable"]);
  db = openDatabase(path.join(env.PMA_LAB_DATA_DIR, "pma-lab.sqlite"));

  buildIfStale();
  server = await startServer(env);
  worker = spawnWorker(env.PMA_LAB_DATA_DIR, ["--poll-ms", "100"], { PMA_LAB_ROOTS: checkpoints });
  ({ browser, page } = await launchBrowser());
  shot = screenshotter(page);
});

afterAll(() =>
  tearDown({ browser, server, root }, async () => {
    worker?.child.kill("SIGTERM");
    if (worker) await worker.exited;
    db?.$client.close();
  }),
);

/** Waits until the live preview has answered for the form as it stands. */
async function settledPreview(): Promise<string> {
  const summary = page.getByTestId("preview-summary");
  await page.waitForFunction(() => /cells? ·/.test(document.querySelector('[data-testid="preview-summary"]')?.textContent ?? ""), undefined, { timeout: 30_000 });
  return summary.innerText();
}

describe("the sweep launcher", () => {
  let sweepId: number;

  it("starts on the main run with its branch points and checkpoint spacing", async () => {
    await page.goto(`${server!.url}/sweeps`);
    await expect(page.getByLabel("Run").inputValue()).resolves.toBe("tiny/main");
    await expect(page.getByRole("radio", { name: "Branch points (1)" }).isChecked()).resolves.toBe(true);
    await expect(page.getByTestId("spacing-hint").innerText()).resolves.toBe("Checkpoints every 409.6K tokens (100 steps).");
    // The fork at step 500 as T, N = 3 and 6, SMA: N = 6 would need a checkpoint at step 0.
    expect(await settledPreview()).toBe("2 cells · 1 new merge · 1 infeasible");
  });

  it("builds a small sweep whose preview matches the planner, cell by cell, with the cost", async () => {
    await page.getByRole("radio", { name: "Every k-th checkpoint in a range" }).check();
    await page.getByRole("spinbutton", { name: "k" }).fill("3");
    await page.getByLabel("Window sizes N").fill("2,3");
    await page.getByLabel("EMA", { exact: true }).check();
    await page.getByLabel("EMA α values").fill("0.3");
    await page.getByLabel("Intervals V").fill("409.6K,600K");
    await page.waitForTimeout(500);
    // k = 3 over steps 100 … 1000 → T at steps 100, 400, 700, 1000; N 2, 3; V 409.6K and 600K; SMA and EMA → 32
    // cells. V = 600K falls between checkpoints (16 infeasible), and T at step 100 has nothing before it (4 more).
    expect(await settledPreview()).toBe("32 cells · 12 new merges · 20 infeasible");
    await expect(page.getByTestId("interval-warning").innerText()).resolves.toMatch(/^V = 600K is not a multiple of the checkpoint spacing 409\.6K/);

    const run = findRunByName(db, "tiny/main")!;
    const rows = listCheckpoints(db, run.id, { includeMissing: true });
    const steps = new Map(rows.map((row) => [row.id, row.step]));
    const plan = planSweep(toPlanCheckpoints(rows), {
      points: [100, 400, 700, 1000].map((step) => step * tokensPerStep),
      ns: [2, 3],
      intervals: [409_600, 600_000],
      schemes: [{ scheme: "sma" }, { scheme: "ema", alpha: 0.3, form: "recursive" }],
    });
    const tableRows = page.locator('[data-testid="preview-table"] tbody tr');
    await expect(tableRows.count()).resolves.toBe(plan.cells.length);
    for (const [i, planned] of plan.cells.entries()) {
      const row = tableRows.nth(i);
      await expect(row.getAttribute("data-recipe")).resolves.toBe(planned.recipeHash ?? "");
      if (!planned.plan.feasible) {
        await expect(row.innerText()).resolves.toContain(planned.plan.reason);
        continue;
      }
      const { inputs } = planned.plan;
      const chips = await row.locator("li").allInnerTexts();
      expect(chips.map((chip) => Number(/^step (\d+)/.exec(chip)?.[1]))).toEqual(inputs.map((input) => steps.get(input.checkpointId)));
      chips.forEach((chip, k) => expect(Number(chip.split(" · ").at(-1))).toBeCloseTo(inputs[k].weight, 3));
    }

    const cost = await page.getByTestId("cost-estimate").innerText();
    // Windows end at steps 400, 700, 1000 and reach back to 200, 500, 800: 9 checkpoints; the two passes share two.
    expect(cost).toMatch(/TO READ\s+[\d.]+ KiB\s+9 distinct checkpoints \([\d.]+ KiB over 2 passes that share some\)/i);
    expect(cost).toMatch(/TO WRITE\s+[\d.]+ KiB\s+12 new merged models in 2 fused passes/i);
    expect(cost).toMatch(/DISK\s+fits/i);
    // Nothing has been merged here yet, so no time is invented.
    expect(cost).toMatch(/TIME\s+not measured yet\s+no merge has finished here yet/i);
    await shot("launcher-preview");
  });

  it("says which field is wrong", async () => {
    await page.getByLabel("Window sizes N").fill("2,x");
    await expect(page.locator("#n-error").innerText()).resolves.toBe('N: "x" is not a positive whole number');
    await expect(page.getByLabel("Window sizes N").getAttribute("aria-invalid")).resolves.toBe("true");
    await page.getByLabel("Window sizes N").fill("2,3");
    expect(await settledPreview()).toBe("32 cells · 12 new merges · 20 infeasible");
  });

  it("launches, and the worker computes every feasible cell", async () => {
    await page.getByRole("button", { name: "Launch sweep" }).click();
    await page.waitForURL(/\/sweeps\/\d+$/, { timeout: 30_000 });
    sweepId = Number(/\/sweeps\/(\d+)$/.exec(page.url())![1]);
    await until(() => findSweepById(db, sweepId)?.status === "done", 90_000, 200);
    const cells = listCells(db, sweepId);
    expect(cells).toHaveLength(32);
    expect(cells.filter((cell) => cell.status === "done")).toHaveLength(12);
    await page.reload();
    await shot("launcher-sweep-done");
  });

  it("appends cells to the sweep: the grid is prefilled, the preview lists only the new ones", async () => {
    await page.goto(`${server!.url}/sweeps/${sweepId}/append`);
    await expect(page.getByLabel("Run").isDisabled()).resolves.toBe(true);
    expect(await settledPreview()).toBe("0 cells · 0 new merges");
    await page.getByLabel("Window sizes N").fill("2,3,4");
    // N = 4 at the four points, both V, both schemes: at V = 409.6K it fits from step 400 on.
    expect(await settledPreview()).toBe("16 cells · 6 new merges · 10 infeasible");
    await shot("launcher-append");
    await page.getByRole("button", { name: "Append cells" }).click();
    await page.waitForURL(new RegExp(`/sweeps/${sweepId}$`), { timeout: 30_000 });
    expect(listCells(db, sweepId)).toHaveLength(48);
  });

  it("estimates time from the merges it has measured", async () => {
    await until(() => findSweepById(db, sweepId)?.status === "done", 90_000, 200);
    await page.goto(`${server!.url}/sweeps`);
    await settledPreview();
    await expect(page.getByTestId("cost-estimate").innerText()).resolves.toMatch(/TIME\s+≈ [^\n]+\s+reading at [\d.]+ [KMG]?i?B\/s, measured over the last \d+ finished merge jobs?/i);
  });
});

describe("PMA-init from a spike", () => {
  it("marks the spike and publishes the merge of the three checkpoints before it, with its lineage", async () => {
    await page.goto(`${server!.url}/runs/tiny/unstable`);
    const spikeRow = page.locator('[data-testid="spike-table"] tbody tr');
    await expect(spikeRow.count()).resolves.toBe(1);
    await expect(spikeRow.innerText()).resolves.toMatch(/spike 1\s+450\s+1\.843M/);
    await page.getByRole("button", { name: "PMA-init from before spike 1" }).click();
    await expect(page.getByTestId("init-preview").innerText()).resolves.toMatch(/^SMA of steps 200, 300, 400 \(k=3\)/);
    await page.getByRole("button", { name: "Create PMA-init checkpoint" }).click();
    await expect(page.getByTestId("init-outcome").innerText()).resolves.toMatch(/^Queued as job #\d+: /);
    // The page refreshes itself while the job runs; the checkpoint then appears as published, with its path.
    const published = page.locator('[data-testid="init-list"] li').filter({ hasText: "published" });
    await published.waitFor({ timeout: 60_000 });
    const text = await published.innerText();
    expect(text).toContain("SMA of steps 200, 300, 400 (k=3)");
    expect(text).toContain("before spike 1 (from step 450");
    const dir = /(\/\S+\/artifacts\/inits\/[0-9a-f]{64})/.exec(text)![1];
    expect(fs.readdirSync(dir).sort()).toEqual(["config.json", "model.safetensors", "pma-init.json", "pma-merge.json", "tokenizer.json"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "pma-init.json"), "utf8"))).toMatchObject({ source: { run: "tiny/unstable" }, k: 3, label: "SMA of steps 200, 300, 400 (k=3)" });
    await shot("run-pma-init");
  });
});

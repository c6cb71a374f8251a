import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { listLatestMetrics } from "../../db/queries";
import { formatMetric } from "../../lib/charts/format";
import { parseCsv } from "../../lib/eval/csv";
import { parseSchemeList } from "../../lib/merge/weights";
import { describeSweep, type CellView } from "../../lib/sweeps";
import { seedGridSweep } from "../../scripts/bench/grid-seed";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { buildIfStale, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

// The ablation grid in the real app (next build + next start) over a sweep written through the DB layer.
const M = 1_000_000;
const LOSS = "heldout/loss";

let root: string;
let dataDir: string;
let db: Db;
let sweepId: number;
let cells: CellView[];
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;

const gridUrl = (query = "") => `${server!.url}/sweeps/${sweepId}${query ? `?${query}` : ""}`;

async function rowIds(): Promise<number[]> {
  return page.locator("[data-testid=grid-table] tbody tr[data-cell]").evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-cell"))));
}

async function waitForQuery(pattern: RegExp): Promise<void> {
  // Matched against the decoded query: `q=n=4 done`, `sort=m:heldout/loss.asc`.
  await page.waitForFunction((source) => new RegExp(source).test(decodeURIComponent(window.location.search.replace(/\+/g, " "))), pattern.source, { timeout: 15_000 });
}

/** describeSweep's cells sorted by a metric the way the grid must: missing last, ties in cell order. */
function sortedBy(metric: string, desc: boolean, list = cells): number[] {
  const value = (c: CellView) => c.metrics.find((m) => m.name === metric)?.value ?? null;
  return [...list]
    .sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return x === y ? a.position - b.position : x === null ? 1 : -1;
      return x === y ? a.position - b.position : (x < y ? -1 : 1) * (desc ? -1 : 1);
    })
    .map((c) => c.id);
}

beforeAll(async () => {
  root = makeTempDir("pma-browser-grid-");
  dataDir = path.join(root, "data");
  db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  sweepId = seedGridSweep(db, {
    run: "tiny/grid",
    schemes: parseSchemeList("sma,wma,ema:0.2"),
    ns: [1, 2, 4],
    intervals: [M, 2 * M],
    points: [4 * M, 6 * M, 8 * M],
    every: M,
    annealedAt: [8 * M],
    unscored: 0.2,
    seed: 11,
  }).sweepId;
  cells = describeSweep(db, sweepId, dataDir).cells;
  buildIfStale();
  server = await startServer({ PMA_LAB_DATA_DIR: dataDir, PMA_LAB_EVALUATORS: "" });
  ({ browser, page } = await launchBrowser({ viewport: { width: 1400, height: 900 } }));
  shot = screenshotter(page);
});

afterAll(() =>
  tearDown({ browser, server, root }, () => {
    db?.$client.close();
  }),
);

describe("ablation grid table", () => {
  it("shows every cell's metrics ± stderr and deltas exactly as the database has them", async () => {
    await page.goto(gridUrl("size=100"));
    expect(await rowIds()).toEqual(cells.map((c) => c.id));
    const stored = listLatestMetrics(db, { recipeHashes: cells.flatMap((c) => (c.recipeHash ? [c.recipeHash] : [])) });
    let checked = 0;
    for (const cell of cells) {
      const row = page.locator(`tr[data-cell="${cell.id}"]`);
      for (const metric of ["heldout/loss", "hellaswag/acc", "mmlu/acc"]) {
        const saved = stored.find((m) => m.recipeHash === cell.recipeHash && m.name === metric);
        const shown = row.locator(`td[data-column="m:${metric}"] span[title]`);
        if (!saved) {
          expect(await row.locator(`td[data-column="m:${metric}"]`).innerText()).toBe("—");
          continue;
        }
        // The title carries the exact stored numbers; the text is them rounded for reading.
        expect(await shown.getAttribute("title")).toBe(`${saved.value} ± ${saved.stderr}`);
        expect(await shown.innerText()).toBe(`${formatMetric(saved.value)} ± ${formatMetric(saved.stderr)}`);
        const expected = cell.metrics.find((m) => m.name === metric)!;
        for (const [kind, delta] of [["dc", expected.deltaVsCheckpoint], ["da", expected.deltaVsAnnealed]] as const) {
          const td = row.locator(`td[data-column="${kind}:${metric}"]`);
          if (delta === null) expect(await td.innerText()).toBe("—");
          else {
            expect(Number(await td.locator("span[title]").getAttribute("title"))).toBe(delta);
            // Colour by direction: a lower loss is better, a higher accuracy is.
            const better = delta === 0 ? "unknown" : String(metric === LOSS ? delta < 0 : delta > 0);
            expect(await td.locator("span[title]").getAttribute("data-better")).toBe(better);
          }
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(60);
    await expect(page.getByTestId("grid-legend").isVisible()).resolves.toBe(true);
    await shot("grid-table");
  });

  it("sorts from the header, pages on the server and keeps both in the URL, back button included", async () => {
    await page.goto(gridUrl("size=25"));
    await page.locator(`button[data-column="m:${LOSS}"]`).click();
    // A loss sorts best (lowest) first on the first click.
    await waitForQuery(/sort=m:heldout\/loss\.asc/);
    const order = sortedBy(LOSS, false);
    await expect.poll(rowIds).toEqual(order.slice(0, 25));
    await page.getByRole("button", { name: "Next", exact: true }).click();
    await waitForQuery(/page=2/);
    await expect.poll(rowIds).toEqual(order.slice(25, 50));
    expect(await page.getByTestId("grid-range").innerText()).toBe(`26–50 of ${cells.length} cells`);
    await page.goBack();
    await expect.poll(rowIds).toEqual(order.slice(0, 25));
    await page.locator(`button[data-column="m:${LOSS}"]`).click();
    await waitForQuery(/sort=m:heldout\/loss\.desc/);
    await expect.poll(rowIds).toEqual(sortedBy(LOSS, true).slice(0, 25));
    await page.reload();
    expect(await rowIds()).toEqual(sortedBy(LOSS, true).slice(0, 25));
  });

  it("filters, searches, groups and chooses columns, all through the URL", async () => {
    await page.goto(gridUrl("size=100"));
    await page.getByLabel("Filter by Scheme").selectOption("wma");
    await waitForQuery(/scheme=wma/);
    const wma = cells.filter((c) => c.scheme === "wma");
    await expect.poll(rowIds).toEqual(wma.map((c) => c.id));

    await page.getByLabel("Search cells").fill("n=4 done");
    await waitForQuery(/q=n=4 done/);
    await expect.poll(rowIds).toEqual(wma.filter((c) => c.n === 4 && c.status === "done").map((c) => c.id));
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(rowIds).toEqual(cells.map((c) => c.id));

    await page.getByLabel("Group by").selectOption("t");
    await waitForQuery(/group=t/);
    await expect.poll(() => page.locator("tr[data-group]").count()).toBe(3);
    expect(await rowIds()).toEqual([]);
    await page.locator(`tr[data-group="${8 * M}"] button`).click();
    await waitForQuery(new RegExp(`open=${8 * M}`));
    await expect.poll(rowIds).toEqual(cells.filter((c) => c.point === 8 * M).map((c) => c.id));
    const group = await page.locator(`tr[data-group="${8 * M}"]`).innerText();
    expect(group).toContain(`${cells.filter((c) => c.point === 8 * M).length} cells`);
    await shot("grid-grouped");

    await page.getByText("Columns", { exact: true }).click();
    await page.getByLabel("Δ vs annealed").uncheck();
    await waitForQuery(/hide=da/);
    await expect.poll(() => page.locator('th button[data-column^="da:"]').count()).toBe(0);
    expect(await page.locator('th button[data-column^="dc:"]').count()).toBeGreaterThan(0);
  });

  it("downloads the current view as CSV, every row and the view's columns", async () => {
    await page.goto(gridUrl(`scheme=sma&sort=m%3A${encodeURIComponent(LOSS)}.asc&hide=da&size=25`));
    const href = await page.getByRole("link", { name: "CSV" }).getAttribute("href");
    const response = await fetch(`${server!.url}${href}`);
    expect(response.headers.get("content-disposition")).toContain(`sweep-${sweepId}-grid.csv`);
    const [header, ...rows] = parseCsv(await response.text(), "download").map((r) => r.fields);
    expect(header).toContain(`${LOSS}_delta_checkpoint`);
    expect(header.some((h) => h.endsWith("_delta_annealed"))).toBe(false);
    expect(rows.map((r) => Number(r[0]))).toEqual(sortedBy(LOSS, false, cells.filter((c) => c.scheme === "sma")));
  });
});

describe("ablation grid heatmap", () => {
  it("draws N × V for the chosen T, scheme and metric, with pickers in the URL", async () => {
    await page.goto(gridUrl());
    await page.getByRole("link", { name: "Heatmap" }).click();
    await waitForQuery(/view=heatmap/);
    await page.waitForFunction(
      () => {
        const canvas = document.querySelector<HTMLCanvasElement>("[data-chart] canvas");
        if (!canvas) return false;
        const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
        return painted > 5000;
      },
      undefined,
      { timeout: 15_000 },
    );
    await page.getByLabel("Heatmap T").selectOption(String(6 * M));
    await waitForQuery(new RegExp(`ht=${6 * M}`));
    await page.getByRole("button", { name: "Value", exact: true }).click();
    await waitForQuery(/hv=value/);
    await expect.poll(() => page.getByRole("button", { name: "Value", exact: true }).getAttribute("aria-pressed")).toBe("true");
    const label = await page.locator("[data-chart]").getAttribute("aria-label");
    expect(label).toContain("T = 6M");
    await page.waitForTimeout(500);
    await shot("grid-heatmap");
  });

  it("looks right in dark mode", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(gridUrl("view=heatmap"));
    await page.waitForSelector("[data-chart] canvas");
    await page.waitForTimeout(500);
    await shot("grid-heatmap-dark");
    await page.goto(gridUrl("group=scheme&open=wma"));
    await shot("grid-grouped-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });
});

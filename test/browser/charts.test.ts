import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../db/client";
import { parseSchemeList } from "../../lib/merge/weights";
import { formatSigned, formatWithStderr } from "../../lib/charts/format";
import { createSweep } from "../../lib/sweeps";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { FORKS, M, seedResearchData, SMALL, UNSCORED_FORK, type ResearchData } from "../helpers/research-data";
import { buildIfStale, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

// The research pages on the real app (next build + next start) over a synthetic but complete dataset written
// through the data layer: every chart must draw, and the prediction table must show the database's numbers.

let root: string;
let db: Db;
let seeded: ResearchData;
let emptySweepId: number;
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;

/** Waits until every chart on the page has drawn, then counts the painted pixels of each canvas. */
async function paintedPixels(expected: number): Promise<number[]> {
  await page.waitForFunction((count) => {
    const charts = [...document.querySelectorAll("[data-chart]")];
    return charts.length === count && charts.every((chart) => chart.getAttribute("data-rendered") === "true");
  }, expected, { timeout: 20_000 });
  return page.$$eval("[data-chart]", (charts) =>
    charts.map((chart) => {
      const canvas = chart.querySelector("canvas");
      if (!canvas) return 0;
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
      return painted;
    }),
  );
}

/** A picker of the selection bar (chart labels mention "Scheme" too). */
function picker(label: string) {
  return page.locator('[data-testid="selection-bar"]').getByLabel(label, { exact: true });
}

async function waitForQuery(pattern: RegExp): Promise<void> {
  await page.waitForFunction((source) => new RegExp(source).test(decodeURIComponent(window.location.search)), pattern.source, { timeout: 10_000 });
}

/** The latest value of `metric` for a model, straight from the database (succeeded evaluations, last finished wins). */
function scoreOf(where: string, params: unknown[], metric: string): { value: number; stderr: number | null } {
  return db.$client
    .prepare(
      `select m.value, m.stderr from metrics m join evaluations e on e.id = m.evaluation_id
       where e.status = 'succeeded' and m.name = ? and ${where} order by e.finished_at desc, e.id desc limit 1`,
    )
    .get(metric, ...params) as { value: number; stderr: number | null };
}

beforeAll(async () => {
  root = makeTempDir("pma-browser-charts-");
  const dataDir = path.join(root, "data");
  fs.mkdirSync(dataDir, { recursive: true });
  db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  seeded = seedResearchData(db, dataDir);
  // A sweep nobody scored: its pages explain how to get scores.
  emptySweepId = createSweep(db, { run: SMALL, points: [12 * M], ns: [2], intervals: [3 * M], schemes: parseSchemeList("wma") }, { dataDir, statDisk: () => ({ freeBytes: 1e15, totalBytes: 2e15 }) }).id;

  buildIfStale();
  server = await startServer({ PMA_LAB_DATA_DIR: dataDir });
  ({ browser, page } = await launchBrowser({ acceptDownloads: true }));
  shot = screenshotter(page);
});

afterAll(() =>
  tearDown({ browser, server, root }, () => {
    db?.$client.close();
  }),
);

describe("sweep charts", () => {
  it("draws score vs tokens, the scheme comparison and the V and N panels", async () => {
    await page.goto(`${server!.url}/sweeps/${seeded.smallSweepId}/charts`);
    const painted = await paintedPixels(4);
    expect(painted.every((count) => count > 5000)).toBe(true);
    await expect(page.getByRole("heading", { name: "Score vs training tokens" }).isVisible()).resolves.toBe(true);
    await shot("sweep-charts");
  });

  it("keeps metric, scheme, N and V in the URL", async () => {
    await page.goto(`${server!.url}/sweeps/${seeded.smallSweepId}/charts?metric=acc&scheme=wma&n=4&v=${M}`);
    await paintedPixels(4);
    await expect(picker("Metric").inputValue()).resolves.toBe("acc");
    await expect(picker("Scheme").inputValue()).resolves.toBe("wma");
    await expect(picker("N").inputValue()).resolves.toBe("4");
    await expect(picker("V").inputValue()).resolves.toBe(String(M));
    await picker("Metric").selectOption("heldout/loss");
    await waitForQuery(/metric=heldout\/loss/);
    expect(new URL(page.url()).searchParams.get("scheme")).toBe("wma");
    await page.waitForFunction(() => document.querySelector('[data-testid="selection-bar"] select')?.getAttribute("aria-busy") !== "true");
    await paintedPixels(4);
    expect(await page.getByText("Scheme comparison").isVisible()).toBe(true);
  });

  it("says what it shows instead of a selection the data lacks", async () => {
    await page.goto(`${server!.url}/sweeps/${seeded.smallSweepId}/charts?metric=bleu&n=99`);
    const notes = await page.locator('[data-testid="selection-notes"]').innerText();
    expect(notes).toContain('Nothing here is scored on "bleu"; showing overall.');
    expect(notes).toContain("No merge scored on overall matches N=99");
    await paintedPixels(4);
  });

  it("exports the chart as a PNG and as an SVG with paths", async () => {
    await page.goto(`${server!.url}/sweeps/${seeded.smallSweepId}/charts`);
    await paintedPixels(4);
    const exportAs = async (format: "PNG" | "SVG") => {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("group", { name: "Export Score vs training tokens: overall" }).getByRole("button", { name: `Download ${format}` }).click()]);
      expect(download.suggestedFilename()).toBe(`score-vs-training-tokens-overall.${format.toLowerCase()}`);
      return fs.readFileSync((await download.path())!);
    };
    const png = await exportAs("PNG");
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(10_000);
    const svg = (await exportAs("SVG")).toString("utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    // A well-formed document that a browser renders on its own.
    const viewer = await browser!.newPage();
    await viewer.setContent(svg.replace(/^<svg/, '<svg id="exported"'));
    await expect(viewer.locator("#exported path").count()).resolves.toBeGreaterThan(20);
    const parsed = await viewer.evaluate((text) => new DOMParser().parseFromString(text, "image/svg+xml").querySelector("parsererror")?.textContent ?? null, svg);
    expect(parsed).toBeNull();
    await viewer.close();
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(20);
  });

  it("explains how to get scores for a sweep nobody scored", async () => {
    await page.goto(`${server!.url}/sweeps/${emptySweepId}/charts`);
    await expect(page.getByText("No scores to chart yet").isVisible()).resolves.toBe(true);
    await expect(page.getByText("created without evaluators").isVisible()).resolves.toBe(true);
    expect(await page.locator("[data-chart]").count()).toBe(0);
    const response = await page.goto(`${server!.url}/sweeps/9999/charts`);
    expect(response?.status()).toBe(404);
  });

  it("looks right in dark mode", async () => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${server!.url}/sweeps/${seeded.smallSweepId}/charts`);
    expect((await paintedPixels(4)).every((count) => count > 5000)).toBe(true);
    await shot("sweep-charts-dark");
    await page.emulateMedia({ colorScheme: "light" });
  });
});

describe("annealing prediction", () => {
  const metric = "heldout/loss";
  const query = `?metric=${encodeURIComponent(metric)}&scheme=sma&n=2&v=${M}`;

  it("draws the scatter and the line over fork points", async () => {
    await page.goto(`${server!.url}/sweeps/${seeded.smallSweepId}/prediction${query}`);
    expect((await paintedPixels(2)).every((count) => count > 3000)).toBe(true);
    await shot("prediction");
  });

  it("shows, per fork point, the database's merged and annealed scores and their difference", async () => {
    const rows = page.locator('[data-testid="prediction-table"] tbody tr');
    await expect(rows.count()).resolves.toBe(FORKS.length);
    for (const [index, fork] of FORKS.entries()) {
      const row = rows.nth(index);
      expect(await row.getAttribute("data-fork")).toBe(String(fork));
      const merged = scoreOf(
        "e.recipe_hash = (select recipe_hash from sweep_cells where sweep_id = ? and point = ? and n = 2 and interval = ? and json_extract(scheme, '$.scheme') = 'sma')",
        [seeded.smallSweepId, fork, M],
        metric,
      );
      const branch = `${SMALL}-anneal-${fork / M}M`;
      const annealed = scoreOf(
        "e.checkpoint_id = (select c.id from checkpoints c join runs r on r.id = c.run_id where r.name = ? order by c.tokens desc limit 1)",
        [branch],
        metric,
      );
      expect(await row.locator('[data-value="merged"]').innerText()).toBe(formatWithStderr(merged.value, merged.stderr));
      expect(await row.locator('[data-value="annealed"]').innerText()).toBe(formatWithStderr(annealed.value, annealed.stderr));
      expect(await row.locator('[data-value="error"]').innerText()).toBe(formatSigned(merged.value - annealed.value));
      expect(await row.innerText()).toContain(branch);
    }
  });

  it("reports rank agreement over the forks and names the fork it could not compare", async () => {
    const agreement = await page.locator('[data-testid="agreement-table"] tbody tr').first().innerText();
    expect(agreement).toMatch(/^PMA merge at T\s+3\s/);
    const missing = await page.locator('[data-testid="missing-forks"]').innerText();
    expect(missing).toContain(`T = ${UNSCORED_FORK / M}M (${SMALL}-anneal-10M)`);
    expect(missing).toContain("has no heldout/loss score");
    await expect(page.locator('[data-testid="config-table"] tbody tr').count()).resolves.toBeGreaterThan(5);
  });
});

describe("compare", () => {
  it("draws before/after bars per benchmark across run sizes, and loss and grad norm around the spike", async () => {
    await page.goto(`${server!.url}/compare`);
    // overall, acc and heldout/loss before/after panels, then the spike chart.
    const painted = await paintedPixels(4);
    expect(painted.every((count) => count > 3000)).toBe(true);
    const merges = await page.locator('[data-testid="compared-merges"]').innerText();
    expect(merges).toMatch(/lm\/large \(1B params\): PMA SMA · N=3 · V=1M at 6M/);
    expect(merges).toMatch(/lm\/small \(130M params\): PMA SMA · N=4 · V=1M at 10M/);
    await expect(page.locator('nav a[aria-current="page"]').innerText()).resolves.toBe("Compare");
    await shot("compare");
  });

  it("narrows to the runs ticked, kept in the URL", async () => {
    await page.getByRole("checkbox", { name: "lm/large" }).uncheck();
    await waitForQuery(/runs=lm\/small/);
    await page.waitForFunction(() => !document.querySelector('[data-testid="compared-merges"]')?.textContent?.includes("lm/large"));
    await paintedPixels(4);
  });
});

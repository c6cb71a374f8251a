import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { seedReportData } from "../lib/report/fixtures";
import { buildIfStale, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";

// The Reports page on the real app: generate a report of a scored sweep from the form, read it in its sandboxed
// frame, download its forms. The run's name carries markup, which must show as text.
const runName = "ablation <b>1.3B</b>";

let root: string;
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;

beforeAll(async () => {
  root = makeTempDir("pma-browser-reports-");
  const dataDir = path.join(root, "data");
  const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  seedReportData(db, { runName });
  db.$client.close();
  buildIfStale();
  server = await startServer({ PMA_LAB_DATA_DIR: dataDir });
  ({ browser, page } = await launchBrowser());
  shot = screenshotter(page);
});

afterAll(() => tearDown({ browser, server, root }));

describe("the Reports page", () => {
  it("says what to do when nothing was written, and asks for a scope", async () => {
    await page.goto(`${server!.url}/reports`);
    await expect(page.getByText("No reports yet").isVisible()).resolves.toBe(true);
    await page.getByRole("button", { name: "Generate report" }).click();
    const alert = page.locator('form p[role="alert"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe("pick at least one sweep or run");
  });

  it("generates a report from the form and shows it, with its downloads", async () => {
    await page.goto(`${server!.url}/reports`);
    await page.getByRole("checkbox", { name: /#1 ablation <b>1\.3B<\/b>/ }).check();
    await page.getByRole("button", { name: "Generate report" }).click();
    await page.waitForURL(/\/reports\/[0-9a-f]{64}$/, { timeout: 120_000 });
    const hash = page.url().split("/").pop()!;
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(`PMA report — sweep #1 (${runName})`);

    const frame = page.frameLocator("iframe");
    await frame.locator("h1").waitFor();
    await expect(frame.locator("h1").textContent()).resolves.toBe(`PMA report — sweep #1 (${runName})`);
    await expect(frame.locator("b").count()).resolves.toBe(0);
    await expect(frame.locator("#summary .conclusion").first().textContent()).resolves.toContain("the best setting found is SMA · N=4 · V=1M");
    await expect(frame.locator("figure svg").count()).resolves.toBeGreaterThan(2);
    await shot("report-view", { fullPage: false });

    for (const name of ["report.pdf", "report.md", "report.json", "table-settings-1.csv"]) {
      const response = await page.request.get(`${server!.url}/api/reports/${hash}/${name}?download=1`);
      expect(response.status(), name).toBe(200);
      expect(response.headers()["content-disposition"]).toBe(`attachment; filename="${name}"`);
    }
    expect((await page.request.get(`${server!.url}/api/reports/${hash}/..%2Fpma-lab.sqlite`)).status()).toBe(404);

    await page.goto(`${server!.url}/reports`);
    await expect(page.getByRole("link", { name: `PMA report — sweep #1 (${runName})` }).count()).resolves.toBe(1);
    await shot("reports-list");
  });
});

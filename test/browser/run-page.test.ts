import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { buildIfStale, cliScan, launchBrowser, screenshotter, startServer, tearDown, type Server, type Shot } from "./support";
import { writeBrokenCheckpoint, writeRun } from "./fixtures";

// The real app (next build + next start) on a temp data dir, driven through Debian's Chromium.
const runName = "tiny/llama-wsd"; // a '/' in the name exercises the catch-all route and URL encoding
const runPath = "/runs/tiny/llama-wsd";
const tokensPerStep = 4096;
const mainSteps = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];

let root: string;
let env: Record<string, string>;
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let shot: Shot;
let checkpoints: string;

/** Every visible row's step, in table order. */
/** Waits until the address bar's query matches (the table writes it with history.replaceState). */
async function waitForQuery(pattern: RegExp): Promise<void> {
  await page.waitForFunction((source) => new RegExp(source).test(window.location.search), pattern.source, { timeout: 5000 });
}

async function tableSteps(): Promise<number[]> {
  await page.locator('[data-testid="checkpoint-table"]').waitFor();
  const cells = await page.locator('[data-testid="checkpoint-table"] tbody tr td:first-child').allInnerTexts();
  return cells.map((text) => Number(text.replace(/,/g, "")));
}

beforeAll(async () => {
  root = makeTempDir("pma-browser-");
  checkpoints = path.join(root, "checkpoints");
  env = { PMA_LAB_DATA_DIR: path.join(root, "data"), PMA_LAB_ROOTS: checkpoints };

  const schedule = { warmup: 50, stable: 800, decay: 1000 };
  await writeRun(path.join(checkpoints, "main"), { steps: mainSteps, logFrom: 5, logTo: 1000, schedule, peakLr: 3e-4, lossShift: 0.15 });
  await writeBrokenCheckpoint(path.join(checkpoints, "main", "step-1100"));
  const branchSchedule = { warmup: 50, stable: 500, decay: 700 };
  await writeRun(path.join(checkpoints, "anneal-500"), { steps: [600, 700], logFrom: 500, logTo: 700, schedule: branchSchedule, peakLr: 3e-4, lossShift: 0.3 });
  // Registered later through the form.
  await writeRun(path.join(checkpoints, "second"), { steps: [50, 100, 150], logFrom: 5, logTo: 150, schedule: { warmup: 20, stable: 150, decay: 200 }, peakLr: 1e-3 });

  buildIfStale();
  server = await startServer(env);
  ({ browser, page } = await launchBrowser());
  shot = screenshotter(page);
});

afterAll(() => tearDown({ browser, server, root }));

describe("first start", () => {
  it("explains how to get started when there are no runs", async () => {
    await page.goto(`${server!.url}/`);
    await expect(page.getByText("No runs yet").isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Register checkpoints" }).count()).resolves.toBeGreaterThan(0);
    await shot("home-empty");
  });
});

describe("with registered runs", () => {
  // Registered through the real CLI while the server runs, as a user would.
  beforeAll(() => {
    cliScan(env, path.join(checkpoints, "main"), ["--run", runName, "--tokens-per-step", String(tokensPerStep), "--schedule", "warmup:50,stable:800,decay:1000"]);
    cliScan(env, path.join(checkpoints, "anneal-500"), [
      "--run", "tiny/anneal-500", "--tokens-per-step", String(tokensPerStep), "--schedule", "warmup:50,stable:500,decay:700",
      "--branch-of", runName, "--fork-tokens", String(500 * tokensPerStep), "--kind", "annealed",
    ]);
  });

  describe("home and runs list", () => {
    it("shows every run at a glance", async () => {
      await page.goto(`${server!.url}/`);
      await expect(page.getByRole("heading", { name: "Overview" }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole("link", { name: /tiny\/llama-wsd/ }).count()).resolves.toBeGreaterThan(0);
      await shot("home");
    });

    it("lists runs with branch, checkpoints and rejected files", async () => {
      await page.goto(`${server!.url}/runs`);
      const rows = page.locator('[data-testid="runs-table"] tbody tr');
      await expect(rows.count()).resolves.toBe(2);
      const branchRow = await rows.filter({ hasText: "tiny/anneal-500" }).innerText();
      expect(branchRow).toContain("tiny/llama-wsd @ 2.05M");
      const mainRow = await rows.nth(1).innerText(); // ordered by name: tiny/anneal-500, tiny/llama-wsd
      expect(mainRow).toContain("1 rejected");
      await expect(page.locator('nav a[aria-current="page"]').innerText()).resolves.toBe("Runs");
      await shot("runs");
    });
  });

  describe("run page", () => {
    it("draws the checkpoint timeline", async () => {
      await page.goto(`${server!.url}${runPath}`);
      await page.waitForFunction(() => {
        const canvas = document.querySelector<HTMLCanvasElement>("[data-chart] canvas");
        if (!canvas) return false;
        const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
        return painted > 5000;
      }, undefined, { timeout: 15_000 });
      await expect(page.getByRole("heading", { name: runName }).isVisible()).resolves.toBe(true);
      await shot("run-page");
    });

    it("lists every checkpoint, and the rejected file with its reason", async () => {
      expect(await tableSteps()).toEqual(mainSteps);
      const rejected = await page.locator('[data-testid="rejected-files"]').innerText();
      expect(rejected).toContain("step-1100");
    });

    it("sorts from the header and keeps the order in the URL", async () => {
      // Numeric columns sort largest first on the first click (TanStack's default for numbers), then ascending.
      await page.getByRole("button", { name: "Tokens" }).click();
      await waitForQuery(/sort=tokens\.desc/);
      expect(await tableSteps()).toEqual([...mainSteps].reverse());
      await page.getByRole("button", { name: "Step" }).click();
      await waitForQuery(/sort=step\.desc/);
      await page.getByRole("button", { name: "Tokens" }).click();
      await waitForQuery(/sort=tokens\.desc/);
      await page.reload();
      expect(await tableSteps()).toEqual([...mainSteps].reverse());
    });

    it("filters by phase and text, also through the URL", async () => {
      await page.getByLabel("Phase").selectOption("decay");
      await waitForQuery(/phase=decay/);
      expect(await tableSteps()).toEqual([1000, 900]);
      await page.getByLabel("Filter checkpoints").fill("900");
      await waitForQuery(/q=900/);
      expect(await tableSteps()).toEqual([900]);
      await page.goto(`${server!.url}${runPath}?phase=stable&sort=step.asc`);
      expect(await tableSteps()).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
    });

    it("looks right in dark mode", async () => {
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto(`${server!.url}${runPath}`);
      await page.waitForSelector("[data-chart] canvas");
      await page.waitForTimeout(300);
      await shot("run-page-dark");
      await page.emulateMedia({ colorScheme: "light" });
    });

    it("rescans the stored directory", async () => {
      await page.goto(`${server!.url}${runPath}`);
      await page.getByRole("button", { name: "Rescan" }).click();
      const result = page.locator('[data-testid="rescan-result"]');
      await result.waitFor();
      expect(await result.innerText()).toContain("0 added · 0 updated · 0 missing · 1 rejected");
    });

    it("shows a branch with a link to its parent and fork point", async () => {
      await page.goto(`${server!.url}/runs/tiny/anneal-500`);
      expect(await page.getByText(/Branch of/).innerText()).toContain("tiny/llama-wsd forked at 2.05M tokens");
      expect(await tableSteps()).toEqual([600, 700]);
      await shot("branch-page");
    });

    it("says so when the run does not exist", async () => {
      const response = await page.goto(`${server!.url}/runs/no-such-run`);
      expect(response?.status()).toBe(404);
      await expect(page.getByText("No such run").isVisible()).resolves.toBe(true);
    });
  });

  describe("register form", () => {
    it("refuses a directory outside the allowed roots with the reason", async () => {
      await page.goto(`${server!.url}/register`);
      await page.getByLabel("Checkpoint directory").fill("/etc");
      await page.getByLabel("Run name").fill("outside");
      await page.getByRole("button", { name: "Register and scan" }).click();
      const error = page.locator('[data-testid="register-error"]');
      await error.waitFor();
      expect(await error.innerText()).toMatch(/not registered/i);
      await expect(page.getByLabel("Run name").inputValue()).resolves.toBe("outside");
      await shot("register-error");
    });

    it("registers a second directory and links to the new run", async () => {
      await page.goto(`${server!.url}/register`);
      await page.getByLabel("Checkpoint directory").fill(path.join(root, "checkpoints", "second"));
      await page.getByLabel("Run name").fill("second-run");
      await page.getByLabel("Tokens per step").fill("2048");
      await page.getByLabel("LR schedule").fill("warmup:20,stable:150,decay:200");
      await page.getByRole("button", { name: "Register and scan" }).click();
      const result = page.locator('[data-testid="scan-result"]');
      await result.waitFor();
      expect(await result.innerText()).toMatch(/added\s*3/);
      await shot("register-result");
      await page.getByRole("link", { name: "Open run →" }).click();
      await page.waitForURL(/\/runs\/second-run$/);
      expect(await tableSteps()).toEqual([50, 100, 150]);
    });
  });
});

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { findRunByName, listSweeps } from "../../db/queries";
import { formatCount } from "../../lib/format";
import { enqueueJob } from "../../lib/jobs/queue";
import { copyCiLab } from "../helpers/ci-lab";
import { runCli } from "../helpers/cli";
import { tempDataDir } from "../lib/jobs/helpers";
import { spawnWorker } from "./helpers/spawn";

/**
 * A report of the ci-scale lab's sweep, end to end: the (cached) lab is registered by a real worker, which then
 * merges and scores the demo sweep; `pma-lab report` writes every form; a sample of its numbers is recomputed from
 * the database with plain SQL; the PDF renders to non-blank pages (pdftoppm); the HTML loads with the network
 * refused and asks for nothing but itself.
 */
type Sql = ReturnType<typeof tempDataDir>["db"]["$client"];

function metricOf(sql: Sql, where: string, value: string | number, metric: string): number | undefined {
  const row = sql
    .prepare(
      `select m.value from metrics m join evaluations e on e.id = m.evaluation_id
       where e.status = 'succeeded' and ${where} = ? and m.name = ? order by e.finished_at desc, e.id desc limit 1`,
    )
    .get(value, metric) as { value: number } | undefined;
  return row?.value;
}

/** The run's checkpoint with the most tokens ≤ T, and its score. */
function latestAt(sql: Sql, runId: number, point: number, metric: string): number | undefined {
  const row = sql.prepare("select id from checkpoints where run_id = ? and tokens <= ? order by tokens desc limit 1").get(runId, point) as { id: number } | undefined;
  return row ? metricOf(sql, "e.checkpoint_id", row.id, metric) : undefined;
}

/** Every page of the PDF as an 8-bit grey image: at least one clearly non-white pixel on each. */
function nonBlankPages(pdf: string, dir: string): { pages: number; blank: number[] } {
  const result = spawnSync("pdftoppm", ["-gray", "-r", "24", pdf, path.join(dir, "page")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pdftoppm failed: ${result.stderr}`);
  const files = fs.readdirSync(dir).filter((f) => f.startsWith("page") && f.endsWith(".pgm")).sort();
  const blank: number[] = [];
  files.forEach((file, i) => {
    const bytes = fs.readFileSync(path.join(dir, file));
    // PGM (P5): three header lines, then one byte per pixel.
    let offset = 0;
    for (let lines = 0; lines < 3; offset++) if (bytes[offset] === 0x0a) lines++;
    if (!bytes.subarray(offset).some((v) => v < 200)) blank.push(i + 1);
  });
  return { pages: files.length, blank };
}

describe("a report of the ci-scale lab's sweep", () => {
  it("is written in every form; its numbers match the database; the PDF has ink on every page; the HTML needs no network", async () => {
    const { db, dataDir } = tempDataDir("pma-report-lab-");
    const sql = db.$client;
    await copyCiLab(path.join(dataDir, "lab", "ci"));
    enqueueJob(db, { kind: "lab-train", payload: { scale: "ci", dir: "lab/ci", demoSweep: true } });
    const worker = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50"]);
    expect((await worker.exited).code, worker.stderr()).toBe(0);
    const main = findRunByName(db, "lab-ci/main")!;
    let [sweep] = listSweeps(db, { runId: main.id });
    // The demo grid holds the fork points; its annealed branches end elsewhere. Appending those ends as merge
    // points scores the annealed models there (a sweep's baselines), which the annealing prediction needs.
    const ends = sql.prepare("select max(c.step) as step from checkpoints c join runs r on r.id = c.run_id where r.kind = 'annealed' group by r.id").all() as { step: number }[];
    expect(ends).toHaveLength(3);
    const append = ["sweep", "append", String(sweep.id), "--points", ends.map((e) => `${e.step}steps`).join(","), "--n", "8", "--interval", "32steps", "--schemes", "sma", "--json"];
    const appended = runCli(append, { PMA_LAB_DATA_DIR: dataDir });
    expect(appended.status, appended.stderr).toBe(0);
    const scorer = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50"]);
    expect((await scorer.exited).code, scorer.stderr()).toBe(0);
    [sweep] = listSweeps(db, { runId: main.id });
    expect(sweep.status).toBe("done");

    const out = path.join(dataDir, "export");
    const args = ["report", "--sweep", String(sweep.id), "--run", "lab-ci/unstable", "--out", out, "--json"];
    const started = Date.now();
    const written = runCli(args, { PMA_LAB_DATA_DIR: dataDir }, 300_000);
    expect(written.status, written.stderr).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    const body = written.json();
    expect(body).toMatchObject({ created: true, formats: ["html", "pdf", "md", "csv"], scope: { sweepIds: [sweep.id], runNames: ["lab-ci/unstable"] } });
    for (const name of ["report.html", "report.pdf", "report.md", "report.json", `table-settings-${sweep.id}.csv`, `figure-score-tokens-${sweep.id}.svg`]) {
      expect(fs.statSync(path.join(out, name)).size).toBeGreaterThan(0);
    }

    // Recompute a sample of the report's numbers from the database, with SQL only.
    const { document } = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8"));
    const metric: string = document.metric.name;
    expect(metric).toBe("heldout/loss");
    const tables = document.sections.flatMap((s: { tables: unknown[] }) => s.tables) as { id: string; rows: (string | number | null)[][] }[];
    const cells = tables.find((t) => t.id === "cells")!.rows;
    const cellRows = sql.prepare("select position, n, interval, point, recipe_hash from sweep_cells where sweep_id = ? order by position").all(sweep.id) as { position: number; n: number; interval: number; point: number; recipe_hash: string }[];
    expect(cells).toHaveLength(cellRows.length);
    let checked = 0;
    for (const row of cellRows.filter((_, i) => i % 9 === 0)) {
      const reported = cells.find((c) => c[0] === sweep.id && c[1] === row.position)!;
      const merged = metricOf(sql, "e.recipe_hash", row.recipe_hash, metric)!;
      const latest = latestAt(sql, main.id, row.point, metric)!;
      expect(reported[9]).toBe(merged);
      expect(reported[11]).toBe(latest);
      // Gain: the loss is lower-is-better, so latest − merged.
      expect(reported[12] as number).toBeCloseTo(latest - merged, 12);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);

    const settings = tables.find((t) => t.id === `settings-${sweep.id}`)!.rows;
    const [, bestLabel, points, , meanGain] = settings[0] as [number, string, number, number, number];
    const [, scheme, alpha, n, interval] = /^(\w+)(?: α=([\d.]+))? · N=(\d+) · V=(.+)$/.exec(bestLabel)!;
    // The label shows V as a rounded count ("20.5K"): the matching interval is the one that formats the same way.
    const bestCells = (
      sql
        .prepare("select point, recipe_hash, interval from sweep_cells where sweep_id = ? and n = ? and json_extract(scheme, '$.scheme') = ? and coalesce(alpha, -1) = ? order by point")
        .all(sweep.id, Number(n), scheme.toLowerCase(), alpha === undefined ? -1 : Number(alpha)) as {
        point: number;
        recipe_hash: string;
        interval: number;
      }[]
    ).filter((c) => formatCount(c.interval) === interval);
    const gains = bestCells.map((c) => latestAt(sql, main.id, c.point, metric)! - metricOf(sql, "e.recipe_hash", c.recipe_hash, metric)!);
    expect(gains).toHaveLength(points);
    expect(meanGain).toBeCloseTo(gains.reduce((a, b) => a + b, 0) / gains.length, 12);

    const prediction = tables.find((t) => t.id === `prediction-${sweep.id}`)!.rows;
    expect(prediction.length).toBeGreaterThanOrEqual(2);
    for (const [branch, , end, , merged, annealed, error] of prediction as [string, number, number, number, number, number, number][]) {
      const branchRun = findRunByName(db, branch)!;
      const endCheckpoint = sql.prepare("select id from checkpoints where run_id = ? and tokens = ?").get(branchRun.id, end) as { id: number };
      expect(annealed).toBe(metricOf(sql, "e.checkpoint_id", endCheckpoint.id, metric));
      expect(error).toBeCloseTo(merged - annealed, 12);
    }

    // The PDF: every page rendered with ink on it.
    const pngDir = fs.mkdtempSync(path.join(dataDir, "pages-"));
    const pdf = nonBlankPages(path.join(out, "report.pdf"), pngDir);
    expect(pdf.pages).toBeGreaterThan(3);
    expect(pdf.blank).toEqual([]);

    // The HTML, offline: the only request it makes is for itself, and every figure is there as inline SVG.
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const requested: string[] = [];
      await page.route("**/*", (route) => {
        requested.push(route.request().url());
        return route.request().url().startsWith("file://") ? route.continue() : route.abort();
      });
      const failures: string[] = [];
      page.on("requestfailed", (request) => failures.push(request.url()));
      const file = `file://${path.join(out, "report.html")}`;
      await page.goto(file);
      expect(requested).toEqual([file]);
      expect(failures).toEqual([]);
      const figures = document.sections.flatMap((s: { figures: unknown[] }) => s.figures).length;
      expect(await page.locator("figure .chart svg").count()).toBe(figures);
      expect(await page.locator("h1").textContent()).toBe(document.title);
      // A figure file beside the Markdown is a well-formed SVG document of its own.
      await page.goto(`file://${path.join(out, `figure-score-tokens-${sweep.id}.svg`)}`);
      expect(await page.evaluate(() => [document.documentElement.tagName, document.getElementsByTagName("parsererror").length])).toEqual(["svg", 0]);
    } finally {
      await browser.close();
    }

    // The same content again: found, not rewritten, not duplicated.
    const again = runCli(args, { PMA_LAB_DATA_DIR: dataDir }, 300_000).json();
    expect(again).toMatchObject({ created: false, hash: body.hash });
    expect(sql.prepare("select count(*) as n from reports").get()).toEqual({ n: 1 });
    console.info(`ci-lab report ${body.hash.slice(0, 12)}: ${body.files.length} files, ${pdf.pages} PDF pages, written in ${seconds.toFixed(1)} s`);
    // ~200 MB of merged models and lab copies: kept when a check fails (to look at), removed once all passed.
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 900_000);
});

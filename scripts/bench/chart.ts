/**
 * Chart benchmark: a 100 000-point chart (the spike chart's option builder, as the compare page draws it) in
 * headless Chromium, against a 1 000-point baseline and against the same 100 000 points without large mode,
 * measured in the same run. Reports time to first render and the frame time of dataZoom zooms and pans and of
 * pointer moves (a frame at 60 fps has 16.7 ms). No network: the harness is bundled from the repository.
 *
 * The three cases run interleaved, `--rounds` times, and every sample of a case is pooled before taking medians,
 * so a burst of load on a shared machine lands on all three alike.
 *
 *   npm run bench:chart [-- --points 100000 --baseline 1000 --rounds 3 --json]
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { build, type Rolldown } from "vite";
import type { CaseResult } from "./chart-harness";

const { values } = parseArgs({
  options: {
    points: { type: "string", default: "100000" },
    baseline: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
    chromium: { type: "string", default: process.env.PMA_LAB_CHROMIUM ?? "/usr/bin/chromium" },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function bundleHarness(): Promise<string> {
  const output = (await build({
    configFile: false,
    logLevel: "silent",
    root,
    // As in the app's production bundle: ECharts drops its development checks.
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: { write: false, minify: true, lib: { entry: path.join(root, "scripts/bench/chart-harness.ts"), formats: ["iife"], name: "ChartBench" } },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const chunk = (Array.isArray(output) ? output[0] : output).output.find((item) => item.type === "chunk");
  if (!chunk || chunk.type !== "chunk") throw new Error("the chart harness did not bundle");
  return chunk.code;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

interface Summary {
  label: string;
  points: number;
  largeMode: boolean;
  firstRenderMs: number;
  zoomMedianMs: number;
  zoomP95Ms: number;
  panMedianMs: number;
  panP95Ms: number;
  hoverMedianMs: number;
}

function summarise(label: string, r: CaseResult): Summary {
  return {
    label,
    points: r.points,
    largeMode: r.largeMode,
    firstRenderMs: median(r.firstRenderMs),
    zoomMedianMs: median(r.zoomMs),
    zoomP95Ms: p95(r.zoomMs),
    panMedianMs: median(r.panMs),
    panP95Ms: p95(r.panMs),
    hoverMedianMs: median(r.hoverMs),
  };
}

async function main(): Promise<void> {
  const points = Number(values.points);
  const baseline = Number(values.baseline);
  const code = await bundleHarness();
  const browser = await chromium.launch({
    executablePath: values.chromium,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.setContent(`<!doctype html><html><body style="margin:0"><div id="chart" style="width:1200px;height:520px"></div><script>${code.replace(/<\/script/g, "<\\/script")}</script></body></html>`);
    const run = (n: number, large: boolean) =>
      page.evaluate(([count, mode]) => (globalThis as unknown as { bench: { runCase: (n: number, l: boolean, e: HTMLElement) => CaseResult } }).bench.runCase(count as number, mode as boolean, document.getElementById("chart")!), [n, large] as const);
    if (errors.length) throw new Error(`the chart harness failed in the browser: ${errors.join("; ")}`);
    // One warm-up so the JIT and fonts do not count against the first case.
    await run(baseline, true);
    const cases = [
      { label: `${baseline.toLocaleString("en")} points (baseline)`, points: baseline, large: true },
      { label: `${points.toLocaleString("en")} points, large mode`, points, large: true },
      { label: `${points.toLocaleString("en")} points, large mode off`, points, large: false },
    ];
    const pooled = cases.map((c): CaseResult => ({ points: c.points, largeMode: c.large, firstRenderMs: [], zoomMs: [], panMs: [], hoverMs: [] }));
    for (let round = 0; round < Number(values.rounds); round += 1) {
      for (const [index, c] of cases.entries()) {
        const r = await run(c.points, c.large);
        for (const key of ["firstRenderMs", "zoomMs", "panMs", "hoverMs"] as const) pooled[index][key].push(...r[key]);
      }
    }
    const results = cases.map((c, index) => summarise(c.label, pooled[index]));
    if (values.json) {
      console.log(JSON.stringify({ chromium: browser.version(), results }, null, 2));
      return;
    }
    const base = results[0];
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    const ratio = (ms: number, of: number) => `×${(ms / of).toFixed(1)}`;
    console.log(`Chromium ${browser.version()}, 1200×520 canvas, software rendering; medians over ${values.rounds} interleaved rounds of 5 first renders, 30 zooms, 30 pans and 30 pointer moves each.`);
    for (const r of results) {
      console.log(
        [
          r.label.padEnd(34),
          `first render ${fmt(r.firstRenderMs)} (${ratio(r.firstRenderMs, base.firstRenderMs)})`,
          `zoom ${fmt(r.zoomMedianMs)} p95 ${fmt(r.zoomP95Ms)} (${ratio(r.zoomMedianMs, base.zoomMedianMs)})`,
          `pan ${fmt(r.panMedianMs)} p95 ${fmt(r.panP95Ms)} (${ratio(r.panMedianMs, base.panMedianMs)})`,
          `pointer ${fmt(r.hoverMedianMs)}`,
        ].join("  "),
      );
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

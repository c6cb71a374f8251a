/**
 * Grid benchmark: the server render time of a sweep's ablation-grid page at 10 000 cells, against a 100-cell
 * sweep's page measured in the same run on the same server (so a loaded machine shows up in both).
 *
 *   npm run bench:grid -- [--repeat 30] [--json]
 *
 * Builds a temp data dir through the real DB layer (scripts/bench/grid-seed.ts): a 10 000-cell sweep
 * (4 schemes × 10 N × 10 V × 25 T; 3 metrics with stderr per scored cell plus a composite; baselines and annealed
 * branches) and a 100-cell one. Starts `next start` (building the app first when stale) and times whole HTML
 * responses: warm (the grid's materialisation cached) and cold (the first request after new scores arrive).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openDatabase, writeTransaction, type Db } from "../../db/client";
import { insertEvaluationOnce, insertMetrics, listCells } from "../../db/queries";
import { parseSchemeList } from "../../lib/merge/weights";
import { ensureWebBuild } from "../web-build";
import { startNextServer, stopNextServer } from "../next-server";
import { seedGridSweep } from "./grid-seed";

const { values } = parseArgs({ options: { repeat: { type: "string", default: "30" }, json: { type: "boolean", default: false } } });
const repeat = Math.max(3, Number(values.repeat));
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const M = 1_000_000;
const range = (count: number, step: number) => Array.from({ length: count }, (_, i) => (i + 1) * step);

function log(message: string): void {
  if (!values.json) console.error(message);
}

function seed(dataDir: string): { db: Db; large: number; small: number; hash: string } {
  const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
  fs.writeFileSync(
    path.join(dataDir, "evaluators.json"),
    JSON.stringify({ evaluators: [], composites: [{ name: "overall", components: [{ metric: "hellaswag/acc", weight: 1 }, { metric: "mmlu/acc", weight: 1 }] }] }),
  );
  const schemes = parseSchemeList("sma,wma,ema:0.1,ema:0.2");
  const started = performance.now();
  const large = seedGridSweep(db, { run: "bench/large", schemes, ns: range(10, 1), intervals: range(10, M), points: range(25, 8 * M), every: M, annealedAt: range(5, 40 * M), unscored: 0.05 });
  const small = seedGridSweep(db, { run: "bench/small", schemes, ns: range(5, 1), intervals: range(5, M), points: [40 * M], every: M, annealedAt: [40 * M], unscored: 0.05 });
  log(`seeded ${large.cells} + ${small.cells} cells in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const hash = listCells(db, large.sweepId).find((c) => c.recipeHash && c.status === "done")!.recipeHash!;
  return { db, large: large.sweepId, small: small.sweepId, hash };
}

async function timeRequest(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}\n${body.slice(0, 500)}`);
  return { ms, bytes: Buffer.byteLength(body) };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: at(0.5), p95: at(0.95), min: sorted[0] };
}

/**
 * CPU time (user + system, ms) used so far by every process in the server's process group, from /proc: unlike
 * wall time it does not grow when other work shares the machine. Linux only; null elsewhere. Clock ticks are
 * 10 ms, so it is reported as a mean over many requests.
 */
function groupCpuMs(pgid: number): number | null {
  if (!fs.existsSync("/proc/self/stat")) return null;
  let ticks = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // the process ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After "pid (comm) ": state ppid pgrp … utime (12th) stime (13th).
    if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / 100;
}

interface Scenario {
  name: string;
  url: string;
  /** Runs before each timed request (outside the timing). */
  before?: () => void;
}

/**
 * Round-robin over the scenarios, `repeat` rounds after one warm-up round (which also compiles each route's server
 * chunks): on a shared, loaded machine every scenario sees the same load, so the ratios stay meaningful.
 */
async function measure(scenarios: Scenario[], pgid: number) {
  for (const scenario of scenarios) await timeRequest(scenario.url);
  const samples = scenarios.map(() => [] as number[]);
  const cpu = scenarios.map(() => 0);
  const bytes = scenarios.map(() => 0);
  for (let round = 0; round < repeat; round++) {
    for (const [i, scenario] of scenarios.entries()) {
      scenario.before?.();
      const cpuBefore = groupCpuMs(pgid);
      const result = await timeRequest(scenario.url);
      const cpuAfter = groupCpuMs(pgid);
      samples[i].push(result.ms);
      cpu[i] += cpuBefore === null || cpuAfter === null ? NaN : cpuAfter - cpuBefore;
      bytes[i] = result.bytes;
    }
  }
  return scenarios.map((scenario, i) => ({ name: scenario.name, ...stats(samples[i]), cpuMs: cpu[i] / repeat, bytes: bytes[i] }));
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pma-bench-grid-"));
const { db, large, small, hash } = seed(dataDir);
ensureWebBuild(root, { onBuild: () => log("building the web app…") });
const server = await startNextServer({ PMA_LAB_DATA_DIR: dataDir, PMA_LAB_EVALUATORS: "" });
try {
  let rescored = 0;
  // New scores for one merged model: changes the data version, so the next request rebuilds the grid.
  const rescore = () =>
    writeTransaction(db, (tx) => {
      rescored += 1;
      const evaluation = insertEvaluationOnce(tx, { key: `bench:rescore:${rescored}`, evaluator: "bench", evaluatorFingerprint: null, origin: "import", target: { recipeHash: hash }, status: "succeeded", now: Date.now() }).evaluation;
      insertMetrics(tx, evaluation.id, [{ name: "heldout/loss", value: 2 + rescored / 1e6, stderr: 0.004, n: 10_000, higherIsBetter: false }]);
    });
  const page = (id: number, query: string) => `${server.url}/sweeps/${id}?${query}`;
  const sorted = "sort=m%3Aheldout%2Floss.asc";
  const scenarios: Scenario[] = [
    { name: "100 cells · first page sorted by a metric (baseline)", url: page(small, sorted) },
    { name: "10,000 cells · first page sorted by a metric", url: page(large, sorted) },
    { name: "10,000 cells · filtered + grouped by T, one group open", url: page(large, `scheme=wma&q=done&group=t&sort=m%3Ahellaswag%2Facc.desc&open=${200 * M}`) },
    { name: "10,000 cells · page 120 sorted by a delta", url: page(large, "sort=dc%3Ammlu%2Facc.desc&page=120") },
    { name: "10,000 cells · heatmap (N × V at one T)", url: page(large, `view=heatmap&ht=${120 * M}&hs=wma&hm=heldout%2Floss`) },
    { name: "10,000 cells · CSV export of every row", url: `${server.url}/api/sweeps/${large}/grid?format=csv&${sorted}` },
  ];
  log(`timing ${scenarios.length + 1} scenarios × ${repeat} requests…`);
  const warm = await measure(scenarios, server.process.pid!);
  // Apart from the others: new scores change the data version of every grid, so each request rebuilds.
  const cold = await measure([{ name: "10,000 cells · cold: first request after new scores", url: page(large, sorted), before: rescore }], server.process.pid!);
  const results = [...warm, ...cold];
  const baseline = results[0].median;
  const rows = results.map((r) => ({ ...r, ratio: r.median / baseline }));
  const pages = rows.filter((r) => r.name.startsWith("10,000 cells ·") && !r.name.includes("CSV"));
  const warmMet = pages.filter((r) => !r.name.includes("cold")).every((r) => r.median <= 300);
  const coldMet = pages.filter((r) => r.name.includes("cold")).every((r) => r.median <= 300);
  if (values.json) {
    console.log(JSON.stringify({ repeat, cpus: os.cpus().length, load: os.loadavg()[0], results: rows, target: { warm: warmMet, cold: coldMet } }, null, 2));
  } else {
    console.log(`\nGrid page server render, ${repeat} requests each (${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}):\n`);
    console.log(`${"scenario".padEnd(58)} ${"median".padStart(8)} ${"p95".padStart(8)} ${"× 100-cell".padStart(11)} ${"server CPU".padStart(11)} ${"HTML".padStart(9)}`);
    for (const r of rows) {
      const cpu = Number.isNaN(r.cpuMs) ? "—" : `${r.cpuMs.toFixed(0)} ms`;
      console.log(`${r.name.padEnd(58)} ${`${r.median.toFixed(0)} ms`.padStart(8)} ${`${r.p95.toFixed(0)} ms`.padStart(8)} ${r.ratio.toFixed(2).padStart(11)} ${cpu.padStart(11)} ${`${(r.bytes / 1024).toFixed(0)} KiB`.padStart(9)}`);
    }
    console.log("\nmedian / p95: wall time of the whole HTML response; server CPU: mean CPU time the server spent per request.");
    console.log(`\nTarget, 10,000-cell page ≤ 300 ms (median): warm ${warmMet ? "met" : "NOT met"}; cold (grid rebuilt) ${coldMet ? "met" : "NOT met"}`);
  }
} finally {
  stopNextServer(server);
  db.$client.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../../db/client";
import { startNextServer, stopNextServer } from "../../next-server";
import { prepareLoadFixture } from "./fixture";
import { percentile, readPages, type PageSample } from "./reader";
import { runSimWorker, type SimWorkerReport } from "./sim-worker";

/**
 * The load benchmark (reliability.md, "Load"): a real `next start` with sign-in on; `workers` simulated remote
 * workers each stream a `batchSize`-point metrics batch every second for `seconds`, while a reader fetches UI
 * pages in a loop. Page latency is measured idle first, then under the load, in the same run.
 */
export interface LoadOptions {
  workers: number;
  seconds: number;
  batchSize: number;
  idleSeconds: number;
  everyMs?: number;
}

export interface LoadFigures {
  workers: number;
  seconds: number;
  batchSize: number;
  expectedRows: number;
  rows: number;
  duplicatesReported: number;
  evaluationsSucceeded: number;
  exactRowCount: boolean;
  lockErrorsSeenByClients: number;
  otherClientErrors: { action: string; status: number; code: string; message: string }[];
  lockErrorsInServerLog: number;
  writeLatencyMs: { p50: number; p95: number; p99: number; max: number };
  batchesLate: number;
  rowsPerSecond: number;
  pages: { idle: PageFigures; load: PageFigures; p50Ratio: number; p95Ratio: number };
  integrityCheck: string;
  cpus: number;
}

interface PageFigures {
  reads: number;
  errors: number;
  p50: number;
  p95: number;
}

const LOCK_ERROR = /SQLITE_BUSY|database is locked/i;
const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

function pageFigures(samples: PageSample[]): PageFigures {
  const ms = samples.map((s) => s.ms);
  return { reads: samples.length, errors: samples.filter((s) => s.status !== 200).length, p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) };
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const everyMs = options.everyMs ?? 1000;
  const batches = Math.round((options.seconds * 1000) / everyMs);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pma-bench-load-"));
  const fixture = await prepareLoadFixture(dataDir, options.workers);
  const server = await startNextServer({ PMA_LAB_DATA_DIR: dataDir, PMA_LAB_AUTH: "on" });
  try {
    const paths = ["/", "/runs", `/runs/${fixture.run}`, "/jobs", "/sweeps", "/api/runs"];
    const reader = { server: server.url, token: fixture.readerToken, paths };
    // Warm every page once (the first render of each loads its code), then the idle baseline.
    for (const pagePath of paths) await readPages({ ...reader, paths: [pagePath], signal: AbortSignal.timeout(1) });
    const idle = await readPages({ ...reader, signal: AbortSignal.timeout(options.idleSeconds * 1000) });

    const underLoad = new AbortController();
    const reading = readPages({ ...reader, signal: underLoad.signal });
    const started = performance.now();
    let reports: SimWorkerReport[];
    try {
      reports = await Promise.all(
        Array.from({ length: options.workers }, (_, index) =>
          runSimWorker({ server: server.url, token: fixture.workerToken, dataDir, index, batches, batchSize: options.batchSize, everyMs }),
        ),
      );
    } finally {
      underLoad.abort();
    }
    const wall = (performance.now() - started) / 1000;
    const loaded = await reading;

    const db = openDatabase(path.join(dataDir, "pma-lab.sqlite"));
    const sql = db.$client;
    const placeholders = fixture.evaluateJobs.map(() => "?").join(",");
    const rows = (sql.prepare(`select count(*) as n from metrics m join evaluations e on e.id = m.evaluation_id where e.job_id in (${placeholders})`).get(...fixture.evaluateJobs) as { n: number }).n;
    const succeeded = (sql.prepare(`select count(*) as n from evaluations where status = 'succeeded' and job_id in (${placeholders})`).get(...fixture.evaluateJobs) as { n: number }).n;
    const integrityCheck = String(sql.pragma("integrity_check", { simple: true }));
    sql.close();

    const errors = reports.flatMap((r) => r.errors);
    const latencies = reports.flatMap((r) => r.latenciesMs);
    const expectedRows = options.workers * batches * options.batchSize;
    const idleFigures = pageFigures(idle);
    const loadFigures = pageFigures(loaded);
    return {
      workers: options.workers,
      seconds: options.seconds,
      batchSize: options.batchSize,
      expectedRows,
      rows,
      duplicatesReported: reports.reduce((sum, r) => sum + r.duplicates, 0),
      evaluationsSucceeded: succeeded,
      exactRowCount: rows === expectedRows,
      lockErrorsSeenByClients: errors.filter((e) => LOCK_ERROR.test(e.message) || LOCK_ERROR.test(e.code)).length + [...idle, ...loaded].filter((s) => s.status >= 500).length,
      otherClientErrors: errors.filter((e) => !LOCK_ERROR.test(e.message)),
      lockErrorsInServerLog: server.output().split("\n").filter((line) => LOCK_ERROR.test(line)).length,
      writeLatencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)) },
      batchesLate: reports.reduce((sum, r) => sum + r.late, 0),
      rowsPerSecond: Math.round(rows / wall),
      pages: { idle: idleFigures, load: loadFigures, p50Ratio: round(loadFigures.p50 / idleFigures.p50, 2), p95Ratio: round(loadFigures.p95 / idleFigures.p95, 2) },
      integrityCheck,
      cpus: os.availableParallelism(),
    };
  } finally {
    await stopNextServer(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderLoadFigures(f: LoadFigures): string {
  return [
    `${f.workers} simulated workers × ${f.batchSize}-point metric batches every second for ${f.seconds} s, with the UI being read (${f.cpus} cores):`,
    `  rows: ${f.rows.toLocaleString("en-US")} of ${f.expectedRows.toLocaleString("en-US")} expected (${f.exactRowCount ? "exact" : "MISMATCH"}); ${f.evaluationsSucceeded}/${f.workers} evaluations completed; ${f.rowsPerSecond.toLocaleString("en-US")} rows/s`,
    `  lock errors seen by clients: ${f.lockErrorsSeenByClients}; other client errors: ${f.otherClientErrors.length}; lock errors in the server log: ${f.lockErrorsInServerLog}; integrity_check: ${f.integrityCheck}`,
    `  metrics batch latency: p50 ${f.writeLatencyMs.p50} ms, p95 ${f.writeLatencyMs.p95} ms, p99 ${f.writeLatencyMs.p99} ms, max ${f.writeLatencyMs.max} ms; batches late: ${f.batchesLate}`,
    `  page latency idle: p50 ${f.pages.idle.p50} ms, p95 ${f.pages.idle.p95} ms (${f.pages.idle.reads} reads, ${f.pages.idle.errors} errors)`,
    `  page latency under load: p50 ${f.pages.load.p50} ms, p95 ${f.pages.load.p95} ms (${f.pages.load.reads} reads, ${f.pages.load.errors} errors) = ${f.pages.p50Ratio}× / ${f.pages.p95Ratio}× idle`,
  ].join("\n");
}

export function loadPassed(f: LoadFigures): boolean {
  return f.exactRowCount && f.evaluationsSucceeded === f.workers && f.lockErrorsSeenByClients === 0 && f.otherClientErrors.length === 0 && f.pages.load.errors === 0 && f.integrityCheck === "ok";
}

import type { Db } from "../../../db/client";
import { findRunById, findSweepById, listGridCells, listSweepRecipeMetrics, readGridVersion } from "../../../db/queries";
import { PmaError } from "../../errors";
import { describeBaselines } from "../metrics";
import { readComposites } from "../show";
import { buildGridData, type GridData } from "./data";

/**
 * The grid of a sweep, read and materialised at most once per data version. Building a 10 000-cell grid reads
 * ~10k cells and ~30k metric rows (a few hundred ms on a loaded machine); checking the version is one small
 * aggregate query, so every later request — paging, sorting, grouping, exporting — starts from memory. The cache
 * holds the last few sweeps per database connection.
 */
const MAX_CACHED_SWEEPS = 8;

interface Entry {
  version: string;
  data: GridData;
}

// One cache per process: Next bundles the page and the export route separately, and each bundle would otherwise
// hold (and rebuild) its own copy of this module's state.
const CACHE_KEY = Symbol.for("pma-lab.sweep-grid-cache");
const caches: WeakMap<Db, Map<number, Entry>> = ((globalThis as Record<symbol, unknown>)[CACHE_KEY] ??= new WeakMap()) as WeakMap<Db, Map<number, Entry>>;

export function loadGridData(db: Db, sweepId: number, dataDir: string): GridData {
  const composites = readComposites(dataDir);
  const version = `${readGridVersion(db, sweepId)}|${JSON.stringify(composites)}`;
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const hit = cache.get(sweepId);
  if (hit && hit.version === version) {
    // Most recently used last, so the oldest entry is the one evicted.
    cache.delete(sweepId);
    cache.set(sweepId, hit);
    return hit.data;
  }
  const sweep = findSweepById(db, sweepId);
  if (!sweep) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const cells = listGridCells(db, sweepId);
  const data = buildGridData({
    sweep: { id: sweep.id, runId: sweep.runId, run: findRunById(db, sweep.runId)?.name ?? `#${sweep.runId}`, status: sweep.status, evaluators: sweep.evaluators },
    cells,
    metrics: listSweepRecipeMetrics(db, sweepId),
    baselines: describeBaselines(db, sweep.runId, [...sweep.grid.points, ...cells.map((c) => c.point)], composites),
    composites,
  });
  cache.delete(sweepId);
  cache.set(sweepId, { version, data });
  while (cache.size > MAX_CACHED_SWEEPS) cache.delete(cache.keys().next().value!);
  return data;
}

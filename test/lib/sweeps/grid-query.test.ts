import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTransaction, type Db } from "../../../db/client";
import { insertEvaluationOnce, insertMetrics, listCells, updateCells } from "../../../db/queries";
import { formatTokens } from "../../../lib/merge/plan/tokens";
import { parseSchemeList } from "../../../lib/merge/weights";
import { describeSweep, type CellView } from "../../../lib/sweeps";
import {
  collectGridRows,
  DEFAULT_GRID_STATE,
  GRID_PARAMS,
  loadGridData,
  queryGrid,
  type GridData,
  type GridParam,
  type GridRow,
  type GridState,
} from "../../../lib/sweeps/grid";
import { seedGridSweep } from "../../../scripts/bench/grid-seed";
import { tempDataDir } from "../jobs/helpers";

/**
 * The grid's query path against a real SQLite database, checked against a reference computed the slow, obvious
 * way from describeSweep (the sweep page's previous data path) over the same rows.
 */
const M = 1_000_000;
let db: Db;
let dataDir: string;
let sweepId: number;
let reference: CellView[];
let data: GridData;

/** A second score for some merges, with ties, a metric nobody gives a direction, and a later evaluation that must win. */
function addScores(tx: Db, hashes: string[]): void {
  hashes.forEach((hash, i) => {
    const early = insertEvaluationOnce(tx, { key: `extra:early:${hash}`, evaluator: "extra", evaluatorFingerprint: null, origin: "import", target: { recipeHash: hash }, status: "succeeded", now: 1_000 }).evaluation;
    insertMetrics(tx, early.id, [
      { name: "tie/score", value: 99, stderr: null, n: null, higherIsBetter: true },
      { name: "raw/count", value: i % 4, stderr: null, n: null, higherIsBetter: null },
    ]);
    if (i % 3 === 0) return; // these keep the early (overridden) value only for tie/score — check below
    const late = insertEvaluationOnce(tx, { key: `extra:late:${hash}`, evaluator: "extra", evaluatorFingerprint: null, origin: "import", target: { recipeHash: hash }, status: "succeeded", now: 2_000 }).evaluation;
    insertMetrics(tx, late.id, [{ name: "tie/score", value: (i % 5) / 10, stderr: 0.01, n: 100, higherIsBetter: true }]);
  });
}

beforeAll(() => {
  ({ db, dataDir } = tempDataDir("pma-grid-query-"));
  fs.writeFileSync(
    path.join(dataDir, "evaluators.json"),
    JSON.stringify({ evaluators: [], composites: [{ name: "overall", components: [{ metric: "hellaswag/acc", weight: 1 }, { metric: "heldout/loss", weight: 1 }] }] }),
  );
  const seeded = seedGridSweep(db, {
    schemes: parseSchemeList("sma,wma,ema:0.2"),
    ns: [1, 2, 4],
    intervals: [M, 2 * M, 3 * M],
    points: [4 * M, 6 * M, 9 * M, 12 * M],
    every: M,
    annealedAt: [6 * M, 12 * M],
    unscored: 0.25,
    seed: 7,
  });
  sweepId = seeded.sweepId;
  const hashes = [...new Set(listCells(db, sweepId).flatMap((c) => (c.recipeHash && c.status === "done" ? [c.recipeHash] : [])))];
  writeTransaction(db, (tx) => addScores(tx, hashes.slice(0, 30)));
  reference = describeSweep(db, sweepId, dataDir).cells;
  data = loadGridData(db, sweepId, dataDir);
});

// ——— the reference: plain code over describeSweep's cells ———

type Key = number | string | null;

function referenceKey(cell: CellView, column: string): Key {
  const params: Record<GridParam, Key> = { scheme: cell.scheme, n: cell.n, v: cell.interval, t: cell.point, status: cell.status };
  if (column in params) return params[column as GridParam];
  const [kind, ...rest] = column.split(":");
  const metric = cell.metrics.find((m) => m.name === rest.join(":"));
  if (!metric) return null;
  return kind === "m" ? metric.value : kind === "dc" ? metric.deltaVsCheckpoint : metric.deltaVsAnnealed;
}

function referenceText(cell: CellView): string {
  return [cell.scheme, `n=${cell.n}`, `v=${formatTokens(cell.interval)}`, `t=${formatTokens(cell.point)}`, cell.status, cell.reason ?? "", cell.recipeHash ?? ""].join(" ").toLowerCase();
}

function referenceRows(state: GridState): CellView[] {
  const f = state.filters;
  const terms = state.query.toLowerCase().split(/\s+/).filter(Boolean);
  const kept = reference.filter(
    (c) =>
      (f.scheme === null || c.scheme === f.scheme) &&
      (f.n === null || c.n === f.n) &&
      (f.v === null || c.interval === f.v) &&
      (f.t === null || c.point === f.t) &&
      (f.status === null || c.status === f.status) &&
      terms.every((term) => referenceText(c).includes(term)),
  );
  const sort = state.sort;
  return [...kept].sort((a, b) => {
    if (!sort) return a.position - b.position;
    const x = referenceKey(a, sort.column);
    const y = referenceKey(b, sort.column);
    if (x === null || y === null) return x === y ? a.position - b.position : x === null ? 1 : -1;
    if (x === y) return a.position - b.position;
    return (x < y ? -1 : 1) * (sort.desc ? -1 : 1);
  });
}

function direction(column: string): boolean | null {
  const name = column.split(":").slice(1).join(":");
  const stated = reference.flatMap((c) => c.metrics).find((m) => m.name === name && m.higherIsBetter !== null);
  return stated ? stated.higherIsBetter : null;
}

function referenceBest(members: CellView[], column: string, state: GridState): number | undefined {
  const higher = direction(column) ?? (state.sort?.column === column ? state.sort.desc : null);
  if (higher === null) return undefined;
  const values = members.map((c) => referenceKey(c, column)).filter((v): v is number => typeof v === "number");
  if (values.length === 0) return undefined;
  return higher ? Math.max(...values) : Math.min(...values);
}

function paramOf(cell: CellView, param: GridParam): string | number {
  return referenceKey(cell, param) as string | number;
}

function simplify(row: GridRow) {
  return {
    id: row.id,
    metrics: Object.fromEntries(Object.entries(row.metrics).map(([name, m]) => [name, [m.value, m.stderr, m.deltaVsCheckpoint, m.deltaVsAnnealed, m.higherIsBetter]])),
  };
}

function simplifyReference(cell: CellView) {
  return { id: cell.id, metrics: Object.fromEntries(cell.metrics.map((m) => [m.name, [m.value, m.stderr, m.deltaVsCheckpoint, m.deltaVsAnnealed, m.higherIsBetter]])) };
}

// ——— states to explore ———

const columns = () => [...GRID_PARAMS, ...data.metrics.flatMap((m) => [`m:${m.name}`, `dc:${m.name}`, `da:${m.name}`])];

const stateArbitrary = () =>
  fc.record({
    sort: fc.option(fc.record({ column: fc.constantFrom(...columns()), desc: fc.boolean() }), { nil: null }),
    scheme: fc.option(fc.constantFrom(...data.values.scheme), { nil: null }),
    n: fc.option(fc.constantFrom(...data.values.n), { nil: null }),
    v: fc.option(fc.constantFrom(...data.values.v), { nil: null }),
    t: fc.option(fc.constantFrom(...data.values.t), { nil: null }),
    status: fc.option(fc.constantFrom(...data.values.status), { nil: null }),
    query: fc.constantFrom("", "ema", "n=2", "t=6m done", "queued", "no checkpoint", "SMA v=1m", "zzz"),
    group: fc.option(fc.constantFrom(...GRID_PARAMS), { nil: null }),
    page: fc.integer({ min: 1, max: 12 }),
    size: fc.constantFrom(25, 50),
    openAll: fc.boolean(),
  }).map(({ scheme, n, v, t, status, openAll, ...rest }) => ({ ...DEFAULT_GRID_STATE, ...rest, filters: { scheme, n, v, t, status }, openAll }));

describe("the materialised grid", () => {
  it("has every cell's metrics, stderr and deltas exactly as describeSweep computes them", () => {
    expect(collectGridRows(data, DEFAULT_GRID_STATE).map(simplify)).toEqual(reference.map(simplifyReference));
    expect(data.metrics.map((m) => m.name)).toEqual(["heldout/loss", "hellaswag/acc", "mmlu/acc", "raw/count", "tie/score", "overall"]);
    expect(data.metrics.find((m) => m.name === "raw/count")!.higherIsBetter).toBeNull();
  });

  it("takes the latest evaluation of a metric when a merge was scored twice", () => {
    const scores = reference.flatMap((c) => c.metrics.filter((m) => m.name === "tie/score").map((m) => m.value));
    expect(scores).toContain(99); // only the early evaluation
    expect(scores.some((v) => v < 1)).toBe(true); // the later one won
  });
});

describe("queryGrid against the reference", () => {
  it("pages, sorts and filters ungrouped views like the reference", () => {
    fc.assert(
      fc.property(stateArbitrary(), ({ openAll: _open, ...state }) => {
        const view = { ...state, group: null };
        const result = queryGrid(data, view);
        const expected = referenceRows(view);
        const pageCount = Math.max(1, Math.ceil(expected.length / view.size));
        const page = Math.min(view.page, pageCount);
        expect(result.total).toBe(expected.length);
        expect(result.page).toBe(page);
        expect(result.pageCount).toBe(pageCount);
        expect(result.rows.map(simplify)).toEqual(expected.slice((page - 1) * view.size, page * view.size).map(simplifyReference));
      }),
      { numRuns: 300 },
    );
  });

  it("groups by any parameter with counts, best values and open members like the reference", () => {
    fc.assert(
      fc.property(stateArbitrary(), ({ openAll, ...state }) => {
        const param = state.group ?? "t";
        const rows = referenceRows(state);
        const keys = [...new Set(rows.map((c) => String(paramOf(c, param))))];
        const view: GridState = { ...state, group: param, open: openAll ? keys : keys.slice(0, 1) };
        const result = queryGrid(data, view);
        expect(result.total).toBe(rows.length);
        expect(result.groupCount).toBe(keys.length);
        const seen = new Map(result.groups!.map((g) => [g.key, g]));
        for (const group of result.groups!) {
          const members = rows.filter((c) => String(paramOf(c, param)) === group.key);
          expect(group.count).toBe(members.length);
          for (const column of columns().filter((c) => c.includes(":"))) expect(group.best[column]).toBe(referenceBest(members, column, view));
          if (view.open.includes(group.key)) {
            expect(group.rows!.map((r) => r.id)).toEqual(members.slice(0, view.size).map((c) => c.id));
            expect(group.more).toBe(Math.max(0, members.length - view.size));
          } else expect(group.rows).toBeNull();
        }
        expect(seen.size).toBe(result.groups!.length);
        // Groups sorted on the group's own parameter follow its order; sorted on a metric, their best values.
        const sort = view.sort;
        const groups = result.groups!;
        for (let i = 1; i < groups.length; i++) {
          if (sort?.column === param) expect((groups[i - 1].value < groups[i].value) === !sort.desc || groups[i - 1].value === groups[i].value).toBe(true);
          else if (sort && sort.column.includes(":")) {
            const a = groups[i - 1].best[sort.column];
            const b = groups[i].best[sort.column];
            if (a !== undefined && b !== undefined) expect(sort.desc ? a >= b : a <= b).toBe(true);
            if (a === undefined) expect(b).toBeUndefined();
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("sorts missing values last in both directions and breaks ties by cell order", () => {
    for (const desc of [false, true]) {
      const rows = collectGridRows(data, { ...DEFAULT_GRID_STATE, sort: { column: "m:tie/score", desc } });
      const values: (number | null)[] = rows.map((r) => r.metrics["tie/score"]?.value ?? null);
      const firstMissing = values.indexOf(null);
      expect(firstMissing).toBeGreaterThan(0);
      expect(values.slice(firstMissing).every((v) => v === null)).toBe(true);
      for (let i = 1; i < firstMissing; i++) {
        if (values[i] === values[i - 1]) expect(rows[i].position).toBeGreaterThan(rows[i - 1].position);
      }
    }
  });

  it("clamps a page past the end to the last page", () => {
    const result = queryGrid(data, { ...DEFAULT_GRID_STATE, page: 999, size: 25 });
    expect(result.page).toBe(result.pageCount);
    expect(result.rows.length).toBeGreaterThan(0);
  });
});

describe("the grid cache", () => {
  it("serves the same materialisation while nothing changes", () => {
    expect(loadGridData(db, sweepId, dataDir)).toBe(loadGridData(db, sweepId, dataDir));
  });

  it("sees a new score, a changed cell status and a changed composite definition at once", () => {
    const before = loadGridData(db, sweepId, dataDir);
    const cell = listCells(db, sweepId).find((c) => c.status === "done" && c.recipeHash)!;
    writeTransaction(db, (tx) => {
      const evaluation = insertEvaluationOnce(tx, { key: `later:${cell.recipeHash}`, evaluator: "later", evaluatorFingerprint: null, origin: "import", target: { recipeHash: cell.recipeHash! }, status: "succeeded", now: Date.now() }).evaluation;
      insertMetrics(tx, evaluation.id, [{ name: "heldout/loss", value: 0.123, stderr: 0.001, n: 10, higherIsBetter: false }]);
    });
    const rescored = loadGridData(db, sweepId, dataDir);
    expect(rescored).not.toBe(before);
    const index = rescored.cells.findIndex((c) => c.id === cell.id);
    expect(rescored.columns.get("heldout/loss")!.value[index]).toBe(0.123);

    updateCells(db, [cell.id], { status: "failed" });
    const failed = loadGridData(db, sweepId, dataDir);
    expect(failed).not.toBe(rescored);
    expect(failed.cells[index].status).toBe("failed");

    fs.writeFileSync(path.join(dataDir, "evaluators.json"), JSON.stringify({ evaluators: [], composites: [] }));
    expect(loadGridData(db, sweepId, dataDir).metrics.some((m) => m.name === "overall")).toBe(false);
  });

  it("says which sweep does not exist", () => {
    expect(() => loadGridData(db, 999, dataDir)).toThrow(expect.objectContaining({ code: "sweep_not_found" }));
  });
});

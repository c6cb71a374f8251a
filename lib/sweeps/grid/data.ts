import type { GridCellRow, RecipeMetricRow } from "../../../db/queries";
import type { CellStatus, SweepStatus } from "../../../db/schema";
import type { CompositeDefinition } from "../../eval/composite";
import { formatSchemeToken } from "../../merge/weights";
import { formatTokens } from "../../merge/plan/tokens";
import { compositesOf, type BaselineView, type MetricValue } from "../metrics";

/**
 * A sweep's grid, materialised once per data version: the cells' parameters in plain arrays and every metric as
 * columns of numbers (NaN where there is none), so that filtering, sorting, grouping and paging 10 000 cells is a
 * few passes over typed arrays. Built by a pure function from the rows db/queries/grid.ts reads.
 */
export interface GridMetric {
  name: string;
  composite: boolean;
  /** The direction the metric's rows state (the first that states one); null when none does. */
  higherIsBetter: boolean | null;
}

/** A cell as the database holds it, with its scheme as a CLI token. */
export interface GridCell extends Omit<GridCellRow, "scheme"> {
  /** CLI token: "sma", "ema:0.1", … */
  scheme: string;
}

export interface MetricColumns {
  value: Float64Array;
  stderr: Float64Array;
  deltaVsCheckpoint: Float64Array;
  deltaVsAnnealed: Float64Array;
  /** Per cell: 1 higher is better, 0 lower is better, −1 unknown (as its own row says). */
  direction: Int8Array;
}

export interface GridData {
  sweepId: number;
  run: string;
  runId: number;
  status: SweepStatus;
  evaluators: string[];
  cells: GridCell[];
  /** Lower-cased text each cell is searched by. */
  text: string[];
  metrics: GridMetric[];
  columns: Map<string, MetricColumns>;
  baselines: BaselineView[];
  /** Distinct parameter values, in order: schemes as the grid lists them, numbers ascending. */
  values: { scheme: string[]; n: number[]; v: number[]; t: number[]; status: CellStatus[] };
}

export interface GridSource {
  sweep: { id: number; run: string; runId: number; status: SweepStatus; evaluators: string[] };
  cells: GridCellRow[];
  metrics: RecipeMetricRow[];
  baselines: BaselineView[];
  composites: CompositeDefinition[];
}

function searchText(cell: GridCell): string {
  return [cell.scheme, `n=${cell.n}`, `v=${formatTokens(cell.interval)}`, `t=${formatTokens(cell.point)}`, cell.status, cell.reason ?? "", cell.recipeHash ?? ""].join(" ").toLowerCase();
}

function emptyColumns(size: number): MetricColumns {
  return {
    value: new Float64Array(size).fill(NaN),
    stderr: new Float64Array(size).fill(NaN),
    deltaVsCheckpoint: new Float64Array(size).fill(NaN),
    deltaVsAnnealed: new Float64Array(size).fill(NaN),
    direction: new Int8Array(size).fill(-1),
  };
}

const orderedStatuses: CellStatus[] = ["done", "running", "queued", "failed", "cancelled", "infeasible"];

type Baselines = Map<number, { own: Map<string, number>; annealed: Map<string, number> }>;

/** Per merge point, name → value of the run's checkpoint there and of the first annealed branch there. */
function baselineValues(baselines: BaselineView[]): Baselines {
  return new Map(
    baselines.map((b) => [
      b.point,
      { own: new Map((b.checkpoint?.metrics ?? []).map((m) => [m.name, m.value])), annealed: new Map((b.annealed[0]?.metrics ?? []).map((m) => [m.name, m.value])) },
    ]),
  );
}

function schemeTokens(rows: GridCellRow[]): Map<GridCellRow["scheme"], string> {
  const tokens = new Map<GridCellRow["scheme"], string>();
  for (const row of rows) if (!tokens.has(row.scheme)) tokens.set(row.scheme, formatSchemeToken(row.scheme));
  return tokens;
}

export function buildGridData(source: GridSource): GridData {
  const tokens = schemeTokens(source.cells);
  const cells: GridCell[] = source.cells.map((row) => ({
    id: row.id,
    position: row.position,
    scheme: tokens.get(row.scheme)!,
    n: row.n,
    interval: row.interval,
    point: row.point,
    feasible: row.feasible,
    reason: row.reason,
    status: row.status,
    recipeHash: row.recipeHash,
    jobId: row.jobId,
  }));
  const columns = new Map<string, MetricColumns>();
  const metrics = new Map<string, GridMetric>();
  const cellsOf = new Map<string, number[]>();
  cells.forEach((cell, index) => {
    if (!cell.recipeHash) return;
    const list = cellsOf.get(cell.recipeHash);
    if (list) list.push(index);
    else cellsOf.set(cell.recipeHash, [index]);
  });
  // Straight into the columns, no per-cell objects: a recipe's score goes to every cell that uses the recipe.
  const write = (recipeHash: string, metric: Pick<MetricValue, "name" | "value" | "stderr" | "higherIsBetter">, composite: boolean) => {
    const indices = cellsOf.get(recipeHash);
    if (!indices) return;
    let column = columns.get(metric.name);
    if (!column) {
      column = emptyColumns(cells.length);
      columns.set(metric.name, column);
      metrics.set(metric.name, { name: metric.name, composite, higherIsBetter: metric.higherIsBetter });
    } else if (metrics.get(metric.name)!.higherIsBetter === null && metric.higherIsBetter !== null) {
      metrics.get(metric.name)!.higherIsBetter = metric.higherIsBetter;
    }
    const direction = metric.higherIsBetter === null ? -1 : metric.higherIsBetter ? 1 : 0;
    for (const index of indices) {
      column.value[index] = metric.value;
      column.stderr[index] = metric.stderr ?? NaN;
      column.direction[index] = direction;
    }
  };
  for (const row of source.metrics) write(row.recipeHash, row, false);
  if (source.composites.length > 0) {
    const byRecipe = new Map<string, RecipeMetricRow[]>();
    for (const row of source.metrics) {
      const list = byRecipe.get(row.recipeHash);
      if (list) list.push(row);
      else byRecipe.set(row.recipeHash, [row]);
    }
    for (const [hash, rows] of byRecipe) for (const composite of compositesOf(rows, source.composites)) write(hash, composite, true);
  }
  const baselines = baselineValues(source.baselines);
  for (const [name, column] of columns) {
    cells.forEach((cell, index) => {
      const value = column.value[index];
      if (Number.isNaN(value)) return;
      const baseline = baselines.get(cell.point);
      const own = baseline?.own.get(name);
      const annealed = baseline?.annealed.get(name);
      if (own !== undefined) column.deltaVsCheckpoint[index] = value - own;
      if (annealed !== undefined) column.deltaVsAnnealed[index] = value - annealed;
    });
  }
  const compositeOrder = source.composites.map((c) => c.name);
  const ordered = [...metrics.values()].sort((a, b) =>
    a.composite !== b.composite ? Number(a.composite) - Number(b.composite) : a.composite ? compositeOrder.indexOf(a.name) - compositeOrder.indexOf(b.name) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const statuses = new Set(cells.map((c) => c.status));
  const numbers = (pick: (cell: GridCell) => number) => [...new Set(cells.map(pick))].sort((a, b) => a - b);
  return {
    sweepId: source.sweep.id,
    run: source.sweep.run,
    runId: source.sweep.runId,
    status: source.sweep.status,
    evaluators: source.sweep.evaluators,
    cells,
    text: cells.map(searchText),
    metrics: ordered,
    columns,
    baselines: source.baselines,
    values: {
      scheme: [...new Set(cells.map((c) => c.scheme))],
      n: numbers((c) => c.n),
      v: numbers((c) => c.interval),
      t: numbers((c) => c.point),
      status: orderedStatuses.filter((s) => statuses.has(s)),
    },
  };
}

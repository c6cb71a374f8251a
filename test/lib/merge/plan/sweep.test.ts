import { describe, expect, it } from "vitest";
import { planSweep, type SweepGrid } from "../../../../lib/merge/plan";
import { B, makeRun } from "./helpers";

const run = makeRun(4 * B, 4 * B, 400 * B);
const grid: SweepGrid = {
  points: [204 * B, 400 * B],
  ns: [1, 3, 10],
  intervals: [8 * B, 32 * B],
  schemes: [{ scheme: "sma" }, { scheme: "wma" }],
};

describe("planSweep", () => {
  const sweep = planSweep(run, grid);

  it("plans every combination in a stable order: T, then N, then V, then scheme", () => {
    expect(sweep.cells).toHaveLength(2 * 3 * 2 * 2);
    expect(sweep.cells.map((cell) => cell.index)).toEqual(sweep.cells.map((_, i) => i));
    expect(sweep.cells.slice(0, 4).map(({ cell }) => [cell.point, cell.n, cell.interval, cell.scheme.scheme])).toEqual([
      [204 * B, 1, 8 * B, "sma"],
      [204 * B, 1, 8 * B, "wma"],
      [204 * B, 1, 32 * B, "sma"],
      [204 * B, 1, 32 * B, "wma"],
    ]);
    expect(planSweep(run, grid)).toEqual(sweep);
  });

  it("keeps infeasible cells with their reasons and no recipe", () => {
    const tooLong = sweep.cells.find(({ cell }) => cell.point === 204 * B && cell.n === 10 && cell.interval === 32 * B)!;
    expect(tooLong.plan.feasible).toBe(false);
    expect(tooLong.recipe).toBeUndefined();
    expect(tooLong.recipeHash).toBeUndefined();
  });

  it("merges equal recipes once: every N = 1 cell at one T is the same model", () => {
    const singles = sweep.cells.filter(({ cell }) => cell.point === 204 * B && cell.n === 1);
    expect(singles.map((cell) => cell.duplicateOf)).toEqual([undefined, singles[0].index, singles[0].index, singles[0].index]);
    expect(new Set(singles.map((cell) => cell.recipeHash)).size).toBe(1);
    const feasible = sweep.cells.filter((cell) => cell.recipe);
    const distinct = new Set(feasible.map((cell) => cell.recipeHash)).size;
    expect(sweep.distinctRecipes).toBe(distinct);
    expect(sweep.matrix.rows).toHaveLength(distinct);
  });

  it("builds the weight matrix W over the distinct checkpoints, ordered by tokens", () => {
    const { checkpointIds, rows } = sweep.matrix;
    const tokens = checkpointIds.map((id) => run.find((checkpoint) => checkpoint.id === id)!.tokens);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(checkpointIds).size).toBe(checkpointIds.length);
    for (const row of rows) {
      const cell = sweep.cells[row.cellIndex];
      expect(cell.duplicateOf).toBeUndefined();
      expect(row.weights).toHaveLength(checkpointIds.length);
      expect(Math.abs(row.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      expect(row.weights.filter((weight) => weight !== 0)).toHaveLength(cell.cell.n);
      for (const input of cell.recipe!.inputs) {
        expect(row.weights[checkpointIds.indexOf(input.checkpointId)]).toBe(input.weight);
      }
    }
    // Every checkpoint column is used by some row.
    for (const column of checkpointIds.keys()) expect(rows.some((row) => row.weights[column] !== 0)).toBe(true);
  });

  it("reads each checkpoint once for the whole sweep instead of Σ N times", () => {
    const sumOfN = sweep.matrix.rows.reduce((total, row) => total + sweep.cells[row.cellIndex].cell.n, 0);
    expect(sweep.matrix.checkpointIds.length).toBeLessThan(sumOfN);
  });

  it("handles an empty grid and refuses a runaway one", () => {
    expect(planSweep(run, { ...grid, schemes: [] })).toEqual({ cells: [], matrix: { checkpointIds: [], rows: [] }, distinctRecipes: 0 });
    const huge = { points: Array(100).fill(1), ns: Array(100).fill(1), intervals: [1, 2], schemes: [{ scheme: "sma" as const }] };
    expect(() => planSweep(run, huge)).toThrow(/at most 10000/);
  });
});

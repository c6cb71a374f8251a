import { describe, expect, it } from "vitest";
import { pickBestCells, type RankableCell } from "../../../lib/sweeps/keep-best";

const metric = (name: string, value: number, higherIsBetter: boolean | null) => ({
  name,
  value,
  stderr: null,
  n: null,
  higherIsBetter,
  composite: false,
  deltaVsCheckpoint: null,
  deltaVsAnnealed: null,
});

const cells: RankableCell[] = [
  { id: 1, recipeHash: "a", metrics: [metric("heldout/loss", 2.0, false), metric("acc", 0.5, true)] },
  { id: 2, recipeHash: "b", metrics: [metric("heldout/loss", 1.8, false), metric("acc", 0.4, true)] },
  { id: 3, recipeHash: "c", metrics: [metric("heldout/loss", 1.9, false), metric("acc", 0.6, true)] },
  { id: 4, recipeHash: "b", metrics: [metric("heldout/loss", 1.8, false), metric("acc", 0.4, true)] },
  { id: 5, recipeHash: "d", metrics: [] },
  { id: 6, recipeHash: null, metrics: [] },
];

describe("keep the best k", () => {
  it("ranks by the metric's direction and keeps cells sharing a model together", () => {
    expect(pickBestCells(cells, "heldout/loss", 2)).toEqual({ keep: [2, 3, 4], release: [1, 5, 6], unscored: 1 });
    expect(pickBestCells(cells, "acc", 1)).toEqual({ keep: [3], release: [1, 2, 4, 5, 6], unscored: 1 });
    expect(pickBestCells(cells, "acc", 0).keep).toEqual([]);
  });

  it("refuses a metric nobody has, one of unknown direction, and a bad k", () => {
    expect(() => pickBestCells(cells, "nope", 1)).toThrow(expect.objectContaining({ code: "metric_not_found" }));
    const unknown = [{ id: 1, recipeHash: "a", metrics: [metric("x", 1, null)] }];
    expect(() => pickBestCells(unknown, "x", 1)).toThrow(expect.objectContaining({ code: "metric_direction_unknown" }));
    expect(() => pickBestCells(cells, "acc", -1)).toThrow(/--best/);
  });
});

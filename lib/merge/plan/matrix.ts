import type { MergeRecipe } from "./recipe";

/**
 * A sweep as one matrix W (rows: distinct merges, columns: distinct checkpoints). The fused executor streams
 * each checkpoint once and adds W[row][column] × tensor into every row's accumulator, so a 16-cell sweep costs
 * about one read of its checkpoints instead of Σ N reads (product.md, "A sweep is one matrix").
 */
export interface WeightMatrix {
  /** Distinct checkpoints, ordered by tokens (oldest first): the order to stream them in. */
  checkpointIds: number[];
  rows: { cellIndex: number; weights: number[] }[];
}

export interface MatrixRowSource {
  cellIndex: number;
  recipe: MergeRecipe;
}

/** `tokensById` orders the columns; every recipe's checkpoint must be in it. */
export function buildWeightMatrix(sources: MatrixRowSource[], tokensById: Map<number, number>): WeightMatrix {
  const ids = new Set<number>();
  for (const source of sources) for (const input of source.recipe.inputs) ids.add(input.checkpointId);
  const checkpointIds = [...ids].sort((a, b) => (tokensById.get(a) ?? 0) - (tokensById.get(b) ?? 0) || a - b);
  const column = new Map(checkpointIds.map((id, index) => [id, index]));
  const rows = sources.map((source) => {
    const weights = new Array<number>(checkpointIds.length).fill(0);
    // `+=` rather than `=`: should a recipe ever list a checkpoint twice, its weights add up as they would merged.
    for (const input of source.recipe.inputs) weights[column.get(input.checkpointId)!] += input.weight;
    return { cellIndex: source.cellIndex, weights };
  });
  return { checkpointIds, rows };
}

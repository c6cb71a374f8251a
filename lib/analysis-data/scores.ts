import type { ScoreRow } from "../../db/queries";
import type { MetricInfo, Score, Scores } from "../analysis";
import { computeComposite, type CompositeDefinition, type CompositeInput } from "../eval/composite";

/**
 * Metric rows → the analysis' Scores, with the evaluators config's composites (the paper's "overall" number)
 * computed per model exactly as the sweep table does: a composite is missing where a component is.
 */
export function toScores(rows: readonly ScoreRow[], composites: readonly CompositeDefinition[]): Scores {
  const scores: Record<string, Score> = {};
  const inputs = new Map<string, CompositeInput>();
  for (const row of rows) {
    scores[row.name] = { value: row.value, stderr: row.stderr, n: row.n };
    inputs.set(row.name, row);
  }
  for (const definition of composites) {
    if (Object.hasOwn(scores, definition.name)) continue; // a measured metric of that name wins
    let result;
    try {
      result = computeComposite(definition, inputs);
    } catch {
      continue; // a component of unknown or contradicted direction: no composite for this model
    }
    if (result.value !== null) scores[definition.name] = { value: result.value, stderr: result.stderr, n: null };
  }
  return scores;
}

/** Groups rows by target and scores each group. */
export function groupScores<R extends ScoreRow, K>(rows: readonly R[], keyOf: (row: R) => K, composites: readonly CompositeDefinition[]): Map<K, Scores> {
  const grouped = new Map<K, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = grouped.get(key);
    if (list) list.push(row);
    else grouped.set(key, [row]);
  }
  return new Map([...grouped].map(([key, list]) => [key, toScores(list, composites)]));
}

/**
 * Every metric name that some model has, with its direction (the first row that states one) — composites
 * last, always higher-is-better. Names ordered alphabetically.
 */
export function metricInfos(rows: readonly ScoreRow[], scored: Iterable<Scores>, composites: readonly CompositeDefinition[]): MetricInfo[] {
  const directions = new Map<string, boolean | null>();
  for (const row of rows) if (!directions.has(row.name) || directions.get(row.name) === null) directions.set(row.name, row.higherIsBetter);
  const compositeNames = new Set(composites.map((c) => c.name).filter((name) => !directions.has(name)));
  const present = new Set<string>();
  for (const scores of scored) for (const name of Object.keys(scores)) if (compositeNames.has(name)) present.add(name);
  return [
    ...[...directions].sort(([a], [b]) => a.localeCompare(b)).map(([name, higherIsBetter]) => ({ name, higherIsBetter, composite: false })),
    ...[...present].sort().map((name) => ({ name, higherIsBetter: true, composite: true })),
  ];
}

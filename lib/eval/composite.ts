import { z } from "zod";
import { PmaError } from "../errors";

/**
 * Composite score: a user-defined weighted average of chosen metrics — the paper's single "overall" number.
 *
 * Direction. A composite is always higher-is-better. A lower-is-better component (a loss, a perplexity) enters
 * negated, −value, so that improving it improves the composite; a component whose direction is unknown is refused
 * unless the definition states it (`higherIsBetter`). A stated direction that contradicts the metric's own is
 * refused too. Mixing scales (accuracy in [0, 1] with a perplexity of 20) is the weights' business, not ours.
 *
 * Uncertainty. Components are taken as independent: stderr = sqrt(Σ wᵢ² sᵢ²) / Σ wᵢ. If any component has no
 * stderr the composite has none either (null) — a partial sum would understate the uncertainty.
 *
 * Missing values. If a component's metric is absent the composite is null and names what is missing: silently
 * re-normalising over the rest would make cells incomparable.
 */
export const compositeSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    components: z
      .array(
        z
          .object({
            metric: z.string().min(1).max(200),
            weight: z.number().finite().positive(),
            /** States the direction where the metric itself does not (imports without it). */
            higherIsBetter: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict()
  .superRefine((definition, context) => {
    const seen = new Set<string>();
    definition.components.forEach((component, i) => {
      if (seen.has(component.metric)) context.addIssue({ code: "custom", path: ["components", i, "metric"], message: `${component.metric} is listed twice` });
      seen.add(component.metric);
    });
  });

export type CompositeDefinition = z.output<typeof compositeSchema>;

export interface CompositeInput {
  value: number;
  stderr: number | null;
  higherIsBetter: boolean | null;
}

export interface CompositeResult {
  name: string;
  /** Null when a component is missing. */
  value: number | null;
  stderr: number | null;
  higherIsBetter: true;
  missing: string[];
  /** Each component's signed contribution w·(±x)/Σw, for tooltips and reports. */
  contributions: { metric: string; weight: number; sign: 1 | -1; contribution: number | null }[];
}

export function parseComposite(input: unknown): CompositeDefinition {
  const parsed = compositeSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("eval_composite_invalid", `composite: ${issue.path.join(".") || "(definition)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** The sign a component enters with; throws when its direction is unknown or contradicted. */
function signOf(component: CompositeDefinition["components"][number], metric: CompositeInput | undefined): 1 | -1 {
  const known = metric?.higherIsBetter ?? null;
  const stated = component.higherIsBetter ?? null;
  if (known !== null && stated !== null && known !== stated) {
    throw new PmaError("eval_composite_direction", `composite: ${component.metric} is ${known ? "higher" : "lower"}-is-better, but the definition says otherwise`);
  }
  const direction = stated ?? known;
  if (direction === null) {
    if (!metric) return 1; // missing anyway; reported as missing, not as a direction problem
    throw new PmaError("eval_composite_direction", `composite: nobody says whether higher or lower ${component.metric} is better; state it with higherIsBetter`);
  }
  return direction ? 1 : -1;
}

export function computeComposite(definition: CompositeDefinition, metrics: ReadonlyMap<string, CompositeInput>): CompositeResult {
  const total = definition.components.reduce((sum, c) => sum + c.weight, 0);
  const missing: string[] = [];
  let value = 0;
  let variance = 0;
  let stderrKnown = true;
  const contributions = definition.components.map((component) => {
    const metric = metrics.get(component.metric);
    const sign = signOf(component, metric);
    if (!metric || !Number.isFinite(metric.value)) {
      missing.push(component.metric);
      return { metric: component.metric, weight: component.weight, sign, contribution: null };
    }
    const contribution = (component.weight * sign * metric.value) / total;
    value += contribution;
    if (metric.stderr === null || !Number.isFinite(metric.stderr)) stderrKnown = false;
    else variance += component.weight * component.weight * metric.stderr * metric.stderr;
    return { metric: component.metric, weight: component.weight, sign, contribution };
  });
  const complete = missing.length === 0;
  return {
    name: definition.name,
    value: complete ? value : null,
    stderr: complete && stderrKnown ? Math.sqrt(variance) / total : null,
    higherIsBetter: true,
    missing,
    contributions,
  };
}

/** Composites for many models at once, from flat metric rows (e.g. db listLatestMetrics) grouped by `target`. */
export function compositesByTarget<T extends CompositeInput & { name: string }>(
  definition: CompositeDefinition,
  rows: T[],
  targetOf: (row: T) => string,
): Map<string, CompositeResult> {
  const grouped = new Map<string, Map<string, CompositeInput>>();
  for (const row of rows) {
    const target = targetOf(row);
    if (!grouped.has(target)) grouped.set(target, new Map());
    grouped.get(target)!.set(row.name, row);
  }
  return new Map([...grouped].map(([target, metrics]) => [target, computeComposite(definition, metrics)]));
}

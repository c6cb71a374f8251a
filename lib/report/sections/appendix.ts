import { exportMergekitYaml } from "../../merge/plan";
import { formatSchemeLabel } from "../../merge/weights";
import { mainFloatDtype } from "../../sweeps/plan-run";
import { describeError } from "../../errors";
import type { ReportDataset } from "../dataset";
import type { RecipeListing, Section } from "../document";
import { gainOf } from "../gains";

/**
 * The data behind everything: every cell with its status, score and gain, and every recipe in scope as a mergekit
 * config, so each merge can be reproduced outside the product.
 */
export function appendixSection(data: ReportDataset, direction: 1 | -1): Section {
  const rows = data.sweeps.flatMap((sweep) => {
    const points = new Map(sweep.points.map((p) => [p.point, p]));
    return sweep.cells.map((cell) => {
      const latest = points.get(cell.point)?.latest?.score ?? null;
      const annealed = points.get(cell.point)?.annealed.find((a) => a.score)?.score ?? null;
      return [
        sweep.id,
        cell.position,
        cell.scheme,
        cell.n,
        cell.interval,
        cell.point,
        cell.stage,
        cell.status,
        cell.evaluation,
        cell.score?.value ?? null,
        cell.score?.stderr ?? null,
        latest?.value ?? null,
        cell.score && latest ? gainOf(cell.score, latest, direction).diff : null,
        annealed?.value ?? null,
        cell.recipeHash ? cell.recipeHash.slice(0, 12) : null,
        cell.reason,
      ];
    });
  });
  const metric = data.metric?.name ?? "score";
  return {
    id: "appendix",
    title: "Appendix: every cell and every recipe",
    intro: "Every cell of every sweep in scope, and below, each merge recipe as a mergekit config that reproduces it outside PMA Lab.",
    conclusions: [],
    tables: [
      {
        id: "cells",
        title: "Every cell",
        caption: `Score: ${metric} of the merged model; gain over the latest checkpoint at T (positive is better); annealed: the first scored annealed branch at exactly T.`,
        columns: [
          { key: "sweep", label: "Sweep", kind: "int" },
          { key: "position", label: "#", kind: "int" },
          { key: "scheme", label: "Scheme", kind: "text" },
          { key: "n", label: "N", kind: "int" },
          { key: "interval", label: "V", kind: "tokens" },
          { key: "point", label: "T", kind: "tokens" },
          { key: "stage", label: "Stage", kind: "text" },
          { key: "status", label: "Status", kind: "text" },
          { key: "evaluation", label: "Evaluation", kind: "text" },
          { key: "score", label: "Score", kind: "metric" },
          { key: "stderr", label: "± stderr", kind: "metric" },
          { key: "latest", label: "Latest", kind: "metric" },
          { key: "gain", label: "Gain", kind: "gain" },
          { key: "annealed", label: "Annealed", kind: "metric" },
          { key: "recipe", label: "Recipe", kind: "text" },
          { key: "reason", label: "Why infeasible", kind: "text" },
        ],
        rows,
      },
    ],
    figures: [],
    notes: rows.length === 0 ? ["No sweep in scope: no cells to list."] : [],
  };
}

/** Every recipe of a cell in scope (and restarts' init recipes), as mergekit YAML or the reason it cannot be. */
export function recipeListings(data: ReportDataset): RecipeListing[] {
  const { recipes, checkpoints } = data.snapshot;
  const byId = new Map(checkpoints.map((c) => [c.id, c]));
  return recipes.map((row) => {
    const inputs = row.recipe.inputs.map((i) => byId.get(i.checkpointId));
    const label = `${formatSchemeLabel(row.recipe.scheme)} over ${row.recipe.inputs.length} checkpoint(s): ${row.recipe.inputs.map((i) => `step ${byId.get(i.checkpointId)?.step ?? `#${i.checkpointId}`}`).join(", ")}`;
    try {
      const paths = new Map(inputs.flatMap((c) => (c ? [[c.id, c.path] as [number, string]] : [])));
      const dtype = row.recipe.outputDtype === "input" ? mainFloatDtype(inputs.find(Boolean)?.dtypes ?? []) : undefined;
      return { hash: row.hash, label, yaml: exportMergekitYaml(row.recipe, paths, dtype === undefined ? {} : { dtype }), problem: null };
    } catch (error) {
      return { hash: row.hash, label, yaml: null, problem: describeError(error) };
    }
  });
}

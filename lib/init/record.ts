import fs from "node:fs";
import { writeTransaction, type Db } from "../../db/client";
import { findCheckpointByPath, insertRecipes } from "../../db/queries";
import { recipeHash, type MergeRecipe } from "../merge/plan";
import type { SchemeSpec } from "../merge/weights";

/**
 * Stores the recipe of a merge made outside the queue — the reference lab averages its pre-spike checkpoints in
 * process — so a run initialised from it can record its lineage like any PMA-init. Null when an input is not a
 * registered checkpoint (yet): there would be nothing to point at.
 */
export function recordInitRecipe(db: Db, inputs: { dir: string; weight: number }[], scheme: SchemeSpec): string | null {
  return writeTransaction(db, (tx) => {
    const rows = inputs.map((input) => {
      const real = fs.existsSync(input.dir) ? fs.realpathSync(input.dir) : input.dir;
      return findCheckpointByPath(tx, real);
    });
    if (rows.length === 0 || rows.some((row) => !row)) return null;
    const recipe: MergeRecipe = {
      inputs: rows.map((row, i) => ({ checkpointId: row!.id, identity: row!.sha256 ?? row!.fingerprint, weight: inputs[i].weight })),
      accumulate: "fp32",
      outputDtype: "input",
      scheme,
    };
    const hash = recipeHash(recipe);
    insertRecipes(tx, [{ hash, recipe, runId: rows[0]!.runId }]);
    return hash;
  });
}

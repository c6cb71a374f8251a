import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { findRecipe, findRecipesByHashPrefix } from "../../db/queries";
import { resolveAllowedDirectory } from "../checkpoints/paths";
import { PmaError } from "../errors";
import { LINEAGE_FILE, lineageSchema } from "./lineage";

const HASH = /^[0-9a-f]{6,64}$/;

/**
 * What `--init-from` names, as a stored recipe hash: a recipe hash (or a unique prefix of one), or a merged
 * checkpoint directory — a PMA-init checkpoint (its `pma-init.json` names the recipe) or any published merge
 * (`…/merges/<hash>`, `…/inits/<hash>`). A directory must lie inside the allowed roots; the recipe must be stored
 * here, or the lineage would point at nothing.
 */
export async function resolveInitRecipe(db: Db, text: string, roots: string[]): Promise<string> {
  const given = text.trim();
  if (HASH.test(given)) return findStoredRecipe(db, given);
  if (!path.isAbsolute(given)) {
    throw new PmaError("init_from_invalid", `"${given}" is neither a recipe hash (6–64 hex digits) nor an absolute path to a merged checkpoint`);
  }
  const dir = await resolveAllowedDirectory(given, roots);
  const lineageFile = path.join(dir, LINEAGE_FILE);
  if (fs.existsSync(lineageFile)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(lineageFile, "utf8"));
    } catch (error) {
      throw new PmaError("init_from_invalid", `${lineageFile} is not valid JSON: ${(error as Error).message}`);
    }
    const lineage = lineageSchema.safeParse(parsed);
    if (!lineage.success) throw new PmaError("init_from_invalid", `${lineageFile} is not a PMA-init lineage file (${lineage.error.issues[0].path.join(".")}: ${lineage.error.issues[0].message})`);
    return findStoredRecipe(db, lineage.data.recipeHash);
  }
  const name = path.basename(dir);
  if (/^[0-9a-f]{64}$/.test(name) && ["inits", "merges"].includes(path.basename(path.dirname(dir)))) return findStoredRecipe(db, name);
  throw new PmaError("init_from_invalid", `${dir} is not a merged checkpoint: it has no ${LINEAGE_FILE} and is not a published merge directory`);
}

function findStoredRecipe(db: Db, id: string): string {
  if (id.length === 64) {
    if (findRecipe(db, id)) return id;
    throw new PmaError("init_recipe_not_found", `no recipe ${id} is stored here; start the PMA-init on this server (pma-lab init) or register the run without --init-from`);
  }
  const matches = findRecipesByHashPrefix(db, id);
  if (matches.length === 0) throw new PmaError("init_recipe_not_found", `no stored recipe's hash starts with ${id}`);
  if (matches.length > 1) throw new PmaError("init_recipe_ambiguous", `more than one recipe hash starts with ${id}; give more digits`);
  return matches[0].hash;
}

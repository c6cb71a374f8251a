import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { runLab } from "../../lib/lab/lab";
import { LAB_SCALES } from "../../lib/lab/scales";

/**
 * The `ci`-scale reference lab, trained once and reused: ~2.5 min of training on 2 cores is too much to repeat in
 * every test that needs real lab data. The cache is keyed by the lab's sources and scale, so a change to the lab
 * retrains it; training is deterministic, so a cached lab equals a fresh one. Callers copy it, never write to it.
 */
const repoRoot = path.resolve(__dirname, "..", "..");
const cacheRoot = path.join(repoRoot, "node_modules", ".cache", "pma-lab");

function labKey(): string {
  const hash = createHash("sha256").update(JSON.stringify(LAB_SCALES.ci));
  const dir = path.join(repoRoot, "lib", "lab");
  for (const file of fs.readdirSync(dir).sort()) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  return hash.digest("hex").slice(0, 16);
}

/** The directory of a complete ci-scale lab, training it first when no cached copy exists. */
export async function cachedCiLab(): Promise<string> {
  const final = path.join(cacheRoot, `ci-lab-${labKey()}`);
  if (fs.existsSync(path.join(final, "lab-status.json"))) return final;
  fs.mkdirSync(cacheRoot, { recursive: true });
  // Train in a private directory and rename it into place: a concurrent test sees no lab or a whole one.
  const work = fs.mkdtempSync(path.join(cacheRoot, "ci-lab.partial-"));
  try {
    const status = await runLab({ scale: LAB_SCALES.ci, dir: work });
    if (!status.complete) throw new Error("the ci lab did not complete");
    try {
      fs.renameSync(work, final);
    } catch (error) {
      if (!fs.existsSync(path.join(final, "lab-status.json"))) throw error;
    }
    return final;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A private copy of the cached ci lab at `dest` (which must not exist yet). */
export async function copyCiLab(dest: string): Promise<void> {
  const source = await cachedCiLab();
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(source, dest, { recursive: true });
}

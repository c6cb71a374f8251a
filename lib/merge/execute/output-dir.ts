import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, lstat, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { PmaError } from "../../errors";

/**
 * Output directories appear whole or not at all: everything is written under `<outDir>.partial-<random>`,
 * fsynced, and renamed into place; on failure the partial directory is removed.
 */
export async function assertOutputFree(outDir: string): Promise<void> {
  const exists = await lstat(outDir).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : Promise.reject(error)),
  );
  if (exists) throw new PmaError("merge_output_exists", `${outDir} already exists; choose a new output directory`, { details: { outDir } });
}

export async function createPartialDir(outDir: string): Promise<string> {
  const parent = dirname(resolve(outDir));
  await mkdir(parent, { recursive: true });
  const partial = join(parent, `${basename(outDir)}.partial-${randomBytes(6).toString("hex")}`);
  await mkdir(partial);
  return partial;
}

export async function publishDir(partial: string, outDir: string): Promise<void> {
  await syncPath(partial);
  // rename(2) would silently replace an empty directory created meanwhile; check once more just before.
  await assertOutputFree(outDir);
  await rename(partial, outDir);
  await syncPath(dirname(resolve(outDir)));
}

export async function discardDir(partial: string): Promise<void> {
  await rm(partial, { recursive: true, force: true });
}

export async function syncPath(path: string): Promise<void> {
  const fh = await open(path, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** What HF tooling needs besides the weights; taken from the newest input. */
const COMPANION_FILE = /^(config\.json|generation_config\.json|special_tokens_map\.json|added_tokens\.json|merges\.txt|tokenizer.*|vocab.*)$/;

/** Copies the config and tokenizer files of `fromDir` into `toDir` (fsynced); returns their names. */
export async function copyCompanionFiles(fromDir: string, toDir: string): Promise<string[]> {
  const names = (await readdir(fromDir, { withFileTypes: true })).filter((e) => e.isFile() && COMPANION_FILE.test(e.name)).map((e) => e.name);
  names.sort();
  for (const name of names) {
    await copyFile(join(fromDir, name), join(toDir, name), constants.COPYFILE_EXCL);
    await syncPath(join(toDir, name));
  }
  return names;
}

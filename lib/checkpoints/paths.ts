import fs from "node:fs/promises";
import path from "node:path";
import { PmaError } from "../errors";

/** Longest path we accept from a user before touching the file system. */
const MAX_PATH_LENGTH = 4096;

function isInside(child: string, root: string): boolean {
  const relative = path.relative(root, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Resolves a user-supplied path to its real path (every symlink followed) and requires it to lie inside one of
 * the allowed roots, themselves taken as real paths. Called when registering AND again before every open: a
 * symlink swapped in later cannot lead outside.
 */
export async function resolveAllowedPath(input: string, roots: string[]): Promise<string> {
  if (input.length === 0 || input.length > MAX_PATH_LENGTH || input.includes("\0")) {
    throw new PmaError("path_invalid", "The path is empty, too long or contains a NUL byte");
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    throw new PmaError("path_invalid", `"${input}" is a URL; give a local directory path`);
  }
  const realRoots = await Promise.all(roots.map((root) => fs.realpath(root).catch(() => path.resolve(root))));
  // A path that is outside every root before any symlink is followed is refused without touching the file system
  // (its existence outside the roots is nobody's business); one that only leaves through a symlink is caught below.
  const lexical = path.resolve(input);
  if (![...roots.map((root) => path.resolve(root)), ...realRoots].some((root) => isInside(lexical, root))) {
    throw new PmaError("path_outside_roots", `${input} is outside the allowed roots (${realRoots.join(", ")}); add its directory to PMA_LAB_ROOTS`);
  }
  let real: string;
  try {
    real = await fs.realpath(lexical);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new PmaError("path_not_found", `${input}: no such file or directory`);
    if (code === "EACCES") throw new PmaError("path_forbidden", `${input}: permission denied`);
    throw error;
  }
  if (!realRoots.some((root) => isInside(real, root))) {
    throw new PmaError(
      "path_outside_roots",
      `${input} resolves to ${real}, which is outside the allowed roots (${realRoots.join(", ")}); add its directory to PMA_LAB_ROOTS`,
    );
  }
  return real;
}

/** Resolves a directory inside the roots; anything else (a file, a device, a FIFO) is refused. */
export async function resolveAllowedDirectory(input: string, roots: string[]): Promise<string> {
  const real = await resolveAllowedPath(input, roots);
  const stat = await fs.stat(real);
  if (!stat.isDirectory()) throw new PmaError("path_not_directory", `${input} is not a directory`);
  return real;
}

/** Resolves a regular file inside the roots (not a device, FIFO or socket: /proc and /dev are refused). */
export async function resolveAllowedFile(input: string, roots: string[]): Promise<string> {
  const real = await resolveAllowedPath(input, roots);
  const stat = await fs.stat(real);
  if (!stat.isFile()) throw new PmaError("path_not_regular_file", `${input} is not a regular file`);
  return real;
}

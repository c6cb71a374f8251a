import fs from "node:fs";
import path from "node:path";

/**
 * Small, synchronous file-system helpers for publishing and collecting outputs. Synchronous on purpose: publish
 * runs them inside a SQLite write transaction (better-sqlite3 transactions cannot await).
 */

export interface TreeEntry {
  /** Relative to the root, with forward slashes. */
  file: string;
  bytes: number;
}

/** Every regular file under `root`, sorted; symlinks, devices and FIFOs are refused, never followed. */
export function listTree(root: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const visit = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full, relative);
      else if (entry.isFile()) entries.push({ file: relative, bytes: fs.lstatSync(full).size });
      else throw Object.assign(new Error(`${full} is not a regular file or directory`), { code: "ENOTREG" });
    }
  };
  visit(root, "");
  return entries.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Total bytes of regular files under `target` (0 when it does not exist); symlinks are not followed. */
export function directorySize(target: string): number {
  let total = 0;
  const visit = (current: string): void => {
    const stat = fs.lstatSync(current, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of fs.readdirSync(current)) visit(path.join(current, entry));
    else if (stat.isFile()) total += stat.size;
  };
  visit(target);
  return total;
}

/** Makes a rename or a new entry durable: fsync the directory that holds it. */
export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** fsync every file and directory under `root` (children before parents). */
export function fsyncTree(root: string): void {
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) fsyncTree(full);
    else if (entry.isFile()) {
      const fd = fs.openSync(full, "r");
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fsyncDirectory(root);
}

export function isInside(child: string, root: string): boolean {
  const relative = path.relative(root, child);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Removes a file or directory tree if it exists; only ever called with paths built from validated names. */
export function removeTree(target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
}

import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PmaError } from "../errors";

/**
 * Creates `dir` if needed and proves it writable with a probe file, so a lab pointed at a read-only,
 * full or impossible location fails before any training with one clear message. (Permission bits alone
 * are no proof: the tests and many containers run as root, which ignores them.)
 */
export async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.write-probe-${process.pid}`);
    await writeFile(probe, "ok");
    await rm(probe, { force: true });
  } catch (error) {
    throw notWritable(error, dir);
  }
}

export function notWritable(error: unknown, dir: string): PmaError {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOTDIR: "a part of the path is a file, not a directory",
    EEXIST: "a file is in the way",
    EROFS: "the file system is read-only",
    EACCES: "permission denied",
    EPERM: "permission denied",
    ENOSPC: "the disk is full",
    EDQUOT: "the disk quota is exhausted",
  };
  const why = (code && reasons[code]) ?? (error as Error).message;
  return new PmaError("lab_dir_not_writable", `the lab directory ${dir} is not writable: ${why}`, { cause: error, details: { dir, errno: code } });
}

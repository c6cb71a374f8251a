import fs from "node:fs";
import { formatBytes } from "../format";
import { PmaError } from "../errors";

export interface DiskSpace {
  /** Bytes an unprivileged process may still write. */
  freeBytes: number;
  totalBytes: number;
}

export type StatDisk = (dir: string) => DiskSpace;

/** Free and total bytes of the file system holding `dir` (fs.statfs: bavail × bsize, what a non-root user gets). */
export const statDisk: StatDisk = (dir) => {
  const stats = fs.statfsSync(dir);
  return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
};

/**
 * Headroom kept free on top of what a sweep writes: 2 % of the disk, at least 256 MiB, so that SQLite's WAL and
 * the logs can still grow when the outputs land.
 */
export function headroomBytes(totalBytes: number): number {
  return Math.max(256 * 1024 * 1024, Math.round(totalBytes * 0.02));
}

export interface SpaceCheck {
  dir: string;
  needBytes: number;
  /** Bytes already promised to queued and running jobs. */
  reservedBytes: number;
  statDisk?: StatDisk;
}

/** Refuses (`disk_insufficient`, with every number) when the outputs would not fit with headroom to spare. */
export function checkDiskSpace(check: SpaceCheck): DiskSpace & { headroomBytes: number } {
  const space = (check.statDisk ?? statDisk)(check.dir);
  const headroom = headroomBytes(space.totalBytes);
  const available = space.freeBytes - check.reservedBytes - headroom;
  if (check.needBytes > 0 && check.needBytes > available) {
    const details = {
      dir: check.dir,
      needBytes: check.needBytes,
      freeBytes: space.freeBytes,
      reservedBytes: check.reservedBytes,
      headroomBytes: headroom,
      shortBytes: check.needBytes - available,
    };
    throw new PmaError(
      "disk_insufficient",
      `not enough disk: the outputs need ${formatBytes(check.needBytes)} (${check.needBytes} bytes) in ${check.dir}, which has ` +
        `${formatBytes(space.freeBytes)} free, ${formatBytes(check.reservedBytes)} already reserved by queued jobs and ` +
        `${formatBytes(headroom)} kept as headroom — ${formatBytes(details.shortBytes)} short; run \`pma-lab gc\` or free space`,
      { details, permanent: true },
    );
  }
  return { ...space, headroomBytes: headroom };
}

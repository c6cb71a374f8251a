import { writeTransaction, type Db } from "../../db/client";
import { findRunByName } from "../../db/queries";
import { checkDiskSpace, statDisk as realStatDisk } from "../disk";
import { isPmaError, PmaError } from "../errors";
import { createSweepIn, type CreatedSweep } from "./create";
import type { EnqueueDeps } from "./enqueue";
import type { SweepRequest } from "./request";

export interface SweepPreview extends Omit<CreatedSweep, "id"> {
  /** Whether launching would pass the disk check now, with its numbers when it would not. */
  disk: { ok: true } | { ok: false; code: string; message: string; details: unknown };
}

const ROLLBACK = Symbol("preview");

/**
 * Exactly what `createSweep` would store and enqueue — every cell with its plan or reason, reuse of published
 * and in-flight recipes, bytes to read and write — computed by running it in a transaction that is always rolled
 * back. Cell and job ids in the preview are placeholders.
 */
export function previewSweep(db: Db, request: SweepRequest, deps: EnqueueDeps): SweepPreview {
  if (!findRunByName(db, request.run)) throw new PmaError("run_not_found", `no run named "${request.run}"`);
  let created: CreatedSweep | undefined;
  try {
    writeTransaction(db, (tx) => {
      created = createSweepIn(tx, request, { ...deps, statDisk: () => ({ freeBytes: Number.MAX_SAFE_INTEGER, totalBytes: Number.MAX_SAFE_INTEGER }) });
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  const { id: _id, ...sweep } = created!;
  let disk: SweepPreview["disk"] = { ok: true };
  try {
    const space = checkDiskSpace({ dir: deps.dataDir, needBytes: sweep.estimate.bytesToWrite, reservedBytes: sweep.estimate.reservedBytes, statDisk: deps.statDisk ?? realStatDisk });
    sweep.estimate = { ...sweep.estimate, freeBytes: space.freeBytes };
  } catch (error) {
    if (!isPmaError(error)) throw error;
    disk = { ok: false, code: error.code, message: error.message, details: error.details };
  }
  return { ...sweep, disk };
}

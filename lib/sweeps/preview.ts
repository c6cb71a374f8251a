import { writeTransaction, type Db } from "../../db/client";
import { findRunByName, findSweepById, listCells } from "../../db/queries";
import { checkDiskSpace, headroomBytes, statDisk as realStatDisk } from "../disk";
import { isPmaError, PmaError } from "../errors";
import { appendSweepCellsIn, createSweepIn, type CreatedSweep } from "./create";
import type { EnqueueDeps } from "./enqueue";
import type { SweepRequest } from "./request";

export interface SweepPreview extends Omit<CreatedSweep, "id"> {
  /** Whether launching would pass the disk check now, with its numbers when it would not. */
  disk: { ok: true } | { ok: false; code: string; message: string; details: unknown };
  /** The disk check's numbers either way: what the new merges need against what is free. */
  space: { needBytes: number; freeBytes: number; totalBytes: number; reservedBytes: number; headroomBytes: number };
}

const ROLLBACK = Symbol("preview");
const unlimited = () => ({ freeBytes: Number.MAX_SAFE_INTEGER, totalBytes: Number.MAX_SAFE_INTEGER });

/**
 * Exactly what `createSweep` would store and enqueue — every cell with its plan or reason, reuse of published
 * and in-flight recipes, bytes to read and write — computed by running it in a transaction that is always rolled
 * back. Cell and job ids in the preview are placeholders.
 */
export function previewSweep(db: Db, request: SweepRequest, deps: EnqueueDeps): SweepPreview {
  if (!findRunByName(db, request.run)) throw new PmaError("run_not_found", `no run named "${request.run}"`);
  return withDiskVerdict(rolledBack(db, (tx) => createSweepIn(tx, request, { ...deps, statDisk: unlimited })), deps);
}

/** What `appendSweepCells` would add to the sweep: only the new cells, and what they cost. */
export function previewAppend(db: Db, sweepId: number, request: Omit<SweepRequest, "run">, deps: EnqueueDeps): SweepPreview {
  if (!findSweepById(db, sweepId)) throw new PmaError("sweep_not_found", `no sweep #${sweepId}`);
  const before = new Set(listCells(db, sweepId).map((cell) => cell.position));
  const after = rolledBack(db, (tx) => appendSweepCellsIn(tx, sweepId, request, { ...deps, statDisk: unlimited }));
  return withDiskVerdict({ ...after, cells: after.cells.filter((cell) => !before.has(cell.position)) }, deps);
}

function rolledBack(db: Db, body: (tx: Db) => CreatedSweep): CreatedSweep {
  let created: CreatedSweep | undefined;
  try {
    writeTransaction(db, (tx) => {
      created = body(tx);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return created!;
}

function withDiskVerdict(created: CreatedSweep, deps: EnqueueDeps): SweepPreview {
  const { id: _id, ...sweep } = created;
  const probe = deps.statDisk ?? realStatDisk;
  const { estimate } = sweep;
  let disk: SweepPreview["disk"] = { ok: true };
  try {
    const space = checkDiskSpace({ dir: deps.dataDir, needBytes: estimate.bytesToWrite, reservedBytes: estimate.reservedBytes, statDisk: probe });
    sweep.estimate = { ...estimate, freeBytes: space.freeBytes };
  } catch (error) {
    if (!isPmaError(error)) throw error;
    disk = { ok: false, code: error.code, message: error.message, details: error.details };
  }
  const { freeBytes, totalBytes } = probe(deps.dataDir);
  const space = { needBytes: estimate.bytesToWrite, freeBytes, totalBytes, reservedBytes: estimate.reservedBytes, headroomBytes: headroomBytes(totalBytes) };
  return { ...sweep, estimate: { ...sweep.estimate, freeBytes }, disk, space };
}

import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { checkpoints, type Checkpoint, type NewCheckpoint } from "../schema";

export function listCheckpoints(db: Db, runId: number, options: { includeMissing?: boolean } = {}): Checkpoint[] {
  const where = options.includeMissing
    ? eq(checkpoints.runId, runId)
    : and(eq(checkpoints.runId, runId), eq(checkpoints.status, "present"));
  return db.select().from(checkpoints).where(where).orderBy(asc(checkpoints.step)).all();
}

export function findCheckpointById(db: Db, id: number): Checkpoint | undefined {
  return db.select().from(checkpoints).where(eq(checkpoints.id, id)).get();
}

export function findCheckpointsByIds(db: Db, ids: number[]): Checkpoint[] {
  if (ids.length === 0) return [];
  return db.select().from(checkpoints).where(inArray(checkpoints.id, ids)).all();
}

export function findCheckpointByPath(db: Db, path: string): Checkpoint | undefined {
  return db.select().from(checkpoints).where(eq(checkpoints.path, path)).get();
}

export type CheckpointFields = Omit<NewCheckpoint, "id" | "runId" | "step" | "createdAt" | "updatedAt" | "status">;

/**
 * Inserts the checkpoint at (run, step) or refreshes it. Returns whether it was added or updated. A changed
 * fingerprint clears the stored sha256, since the content it described may have changed.
 */
export function upsertCheckpoint(db: Db, runId: number, step: number, fields: CheckpointFields): "added" | "updated" | "unchanged" {
  const existing = db
    .select()
    .from(checkpoints)
    .where(and(eq(checkpoints.runId, runId), eq(checkpoints.step, step)))
    .get();
  if (!existing) {
    db.insert(checkpoints).values({ runId, step, ...fields }).run();
    return "added";
  }
  const changed =
    existing.fingerprint !== fields.fingerprint ||
    existing.path !== fields.path ||
    existing.status !== "present" ||
    existing.tokens !== (fields.tokens ?? null) ||
    existing.lr !== (fields.lr ?? null) ||
    existing.phase !== (fields.phase ?? null);
  if (!changed) return "unchanged";
  db.update(checkpoints)
    .set({
      ...fields,
      status: "present",
      sha256: existing.fingerprint === fields.fingerprint ? existing.sha256 : null,
      updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`,
    })
    .where(eq(checkpoints.id, existing.id))
    .run();
  return "updated";
}

/** Flags the run's present checkpoints whose step is not in `seenSteps` as missing; returns how many. */
export function markMissingCheckpoints(db: Db, runId: number, seenSteps: Set<number>): number {
  const present = listCheckpoints(db, runId);
  const vanished = present.filter((checkpoint) => !seenSteps.has(checkpoint.step)).map((checkpoint) => checkpoint.id);
  if (vanished.length === 0) return 0;
  db.update(checkpoints)
    .set({ status: "missing", updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
    .where(inArray(checkpoints.id, vanished))
    .run();
  return vanished.length;
}

export function recordCheckpointSha(db: Db, id: number, fingerprint: string, sha256: string): boolean {
  const result = db
    .update(checkpoints)
    .set({ sha256 })
    .where(and(eq(checkpoints.id, id), eq(checkpoints.fingerprint, fingerprint)))
    .run();
  return result.changes === 1;
}

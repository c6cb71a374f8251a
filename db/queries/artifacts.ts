import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { artifacts, evaluations, sweepCells, sweeps, type Artifact } from "../schema";

export function findPublishedArtifactByName(db: Db, name: string): Artifact | undefined {
  return db
    .select()
    .from(artifacts)
    .where(and(eq(artifacts.name, name), eq(artifacts.state, "published")))
    .get();
}

/** recipe hash → its published merged model. */
export function findPublishedArtifactsByRecipes(db: Db, hashes: string[]): Map<string, Artifact> {
  if (hashes.length === 0) return new Map();
  const rows = db
    .select()
    .from(artifacts)
    .where(and(inArray(artifacts.recipeHash, [...new Set(hashes)]), eq(artifacts.state, "published")))
    .all();
  return new Map(rows.map((row) => [row.recipeHash!, row]));
}

export interface NewArtifactRow {
  kind: Artifact["kind"];
  name: string;
  recipeHash: string | null;
  bytes: number;
  sha256: string;
  files: string[];
  jobId: number;
  attempt: number;
}

export function insertArtifact(db: Db, row: NewArtifactRow): Artifact {
  return db.insert(artifacts).values(row).returning().get();
}

export function listPublishedArtifacts(db: Db): Artifact[] {
  return db.select().from(artifacts).where(eq(artifacts.state, "published")).all();
}

export function markArtifactDeleted(db: Db, id: number): void {
  db.update(artifacts)
    .set({ state: "deleted", deletedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
    .where(and(eq(artifacts.id, id), eq(artifacts.state, "published")))
    .run();
}

/**
 * Published merged models that nothing needs any more: every cell using the recipe has keep = false and belongs
 * to a sweep that has finished (no cell queued or running). Models no cell refers to (a direct merge job) are
 * never collected, nor a model an evaluation still has to read (queued or running).
 */
export function listCollectableArtifacts(db: Db): Artifact[] {
  const usage = db
    .select({
      recipeHash: sweepCells.recipeHash,
      kept: sql<number>`max(${sweepCells.keep})`,
      active: sql<number>`sum(case when ${sweeps.status} in ('queued', 'running') then 1 else 0 end)`,
    })
    .from(sweepCells)
    .innerJoin(sweeps, eq(sweeps.id, sweepCells.sweepId))
    .where(sql`${sweepCells.recipeHash} is not null`)
    .groupBy(sweepCells.recipeHash)
    .all();
  const evaluating = new Set(
    db
      .select({ recipeHash: evaluations.recipeHash })
      .from(evaluations)
      .where(and(isNotNull(evaluations.recipeHash), inArray(evaluations.status, ["queued", "running"])))
      .all()
      .map((row) => row.recipeHash!),
  );
  const collectable = new Set(usage.filter((row) => !row.kept && !row.active && !evaluating.has(row.recipeHash!)).map((row) => row.recipeHash!));
  return listPublishedArtifacts(db).filter((artifact) => artifact.kind === "merge" && artifact.recipeHash && collectable.has(artifact.recipeHash));
}

export function sumPublishedBytes(db: Db): { count: number; bytes: number } {
  const row = db
    .select({ count: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(${artifacts.bytes}), 0)` })
    .from(artifacts)
    .where(eq(artifacts.state, "published"))
    .get();
  return { count: row?.count ?? 0, bytes: row?.bytes ?? 0 };
}

import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { workerTokens, workers, type GpuInfo, type Worker, type WorkerSlots, type WorkerToken } from "../schema";

export interface NewWorkerRow {
  name: string;
  host: string;
  pid: number | null;
  cpus: number;
  memory: number;
  gpus: GpuInfo[];
  slots: WorkerSlots;
  mode: "local" | "remote";
  tokenId: number | null;
  heartbeatEveryMs: number;
  now: number;
}

export function insertWorker(db: Db, row: NewWorkerRow): Worker {
  const { now, ...fields } = row;
  return db
    .insert(workers)
    .values({ ...fields, startedAt: now, lastHeartbeat: now })
    .returning()
    .get();
}

export function findWorkerById(db: Db, id: number): Worker | undefined {
  return db.select().from(workers).where(eq(workers.id, id)).get();
}

export function touchWorker(db: Db, id: number, now: number): void {
  db.update(workers).set({ lastHeartbeat: now }).where(eq(workers.id, id)).run();
}

export function markWorkerStopped(db: Db, id: number, now: number): void {
  db.update(workers).set({ stoppedAt: now, lastHeartbeat: now }).where(eq(workers.id, id)).run();
}

/** Workers still running (not stopped), newest first; `sinceMs` drops ones silent for longer than that. */
export function listWorkers(db: Db, options: { includeStopped?: boolean; limit?: number } = {}): Worker[] {
  return db
    .select()
    .from(workers)
    .where(options.includeStopped ? undefined : isNull(workers.stoppedAt))
    .orderBy(desc(workers.lastHeartbeat))
    .limit(options.limit ?? 100)
    .all();
}

export function insertWorkerToken(db: Db, name: string, tokenHash: string): WorkerToken {
  return db.insert(workerTokens).values({ name, tokenHash }).returning().get();
}

export function findWorkerTokenByName(db: Db, name: string): WorkerToken | undefined {
  return db.select().from(workerTokens).where(eq(workerTokens.name, name)).get();
}

export function findWorkerTokenById(db: Db, id: number): WorkerToken | undefined {
  return db.select().from(workerTokens).where(eq(workerTokens.id, id)).get();
}

export function setWorkerTokenHash(db: Db, id: number, tokenHash: string): void {
  db.update(workerTokens).set({ tokenHash }).where(eq(workerTokens.id, id)).run();
}

export function revokeWorkerToken(db: Db, name: string): boolean {
  const result = db
    .update(workerTokens)
    .set({ revokedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` })
    .where(and(eq(workerTokens.name, name), isNull(workerTokens.revokedAt)))
    .run();
  return result.changes === 1;
}

export function listWorkerTokens(db: Db): Omit<WorkerToken, "tokenHash">[] {
  return db
    .select({
      id: workerTokens.id,
      name: workerTokens.name,
      createdAt: workerTokens.createdAt,
      lastUsedAt: workerTokens.lastUsedAt,
      revokedAt: workerTokens.revokedAt,
    })
    .from(workerTokens)
    .orderBy(workerTokens.name)
    .all();
}

export function touchWorkerToken(db: Db, id: number, now: number): void {
  db.update(workerTokens).set({ lastUsedAt: now }).where(eq(workerTokens.id, id)).run();
}

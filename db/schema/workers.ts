import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export interface GpuInfo {
  index: number;
  name: string;
  /** Bytes. */
  memory: number;
}

/** What a worker offers: concurrent CPU jobs (merges) and the GPUs it pins evaluations to. */
export interface WorkerSlots {
  cpu: number;
  gpus: number[];
}

/**
 * Credentials for remote workers. The token itself is shown once at creation; only its sha256 is stored and
 * compared in constant time. Revoking keeps the row (for the audit trail) and refuses the token from then on.
 */
export const workerTokens = sqliteTable("worker_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  lastUsedAt: integer("last_used_at"),
  revokedAt: text("revoked_at"),
});

/** One row per worker process: local ones (direct SQLite) and remote ones (HTTP, with a token). */
export const workers = sqliteTable("workers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  host: text("host").notNull(),
  pid: integer("pid"),
  cpus: integer("cpus").notNull(),
  /** Bytes of physical memory. */
  memory: integer("memory").notNull(),
  gpus: text("gpus", { mode: "json" }).$type<GpuInfo[]>().notNull(),
  slots: text("slots", { mode: "json" }).$type<WorkerSlots>().notNull(),
  /** "local" opens the database; "remote" talks HTTP with a token. */
  mode: text("mode").$type<"local" | "remote">().notNull(),
  tokenId: integer("token_id").references(() => workerTokens.id, { onDelete: "set null" }),
  /** Milliseconds since the epoch; the next heartbeat is due `heartbeat_every_ms` later. */
  startedAt: integer("started_at").notNull(),
  lastHeartbeat: integer("last_heartbeat").notNull(),
  heartbeatEveryMs: integer("heartbeat_every_ms").notNull(),
  stoppedAt: integer("stopped_at"),
});

export type Worker = typeof workers.$inferSelect;
export type WorkerToken = typeof workerTokens.$inferSelect;

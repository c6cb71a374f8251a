import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { runs } from "./runs";

export type CheckpointPhase = "warmup" | "stable" | "decay";
export type CheckpointFormat = "safetensors" | "safetensors-sharded";
export type CheckpointStatus = "present" | "missing";

export interface ShardInfo {
  file: string;
  bytes: number;
  tensors: number;
}

export const checkpoints = sqliteTable(
  "checkpoints",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    tokens: integer("tokens"),
    lr: real("lr"),
    phase: text("phase").$type<CheckpointPhase>(),
    /** Real path of the checkpoint directory. */
    path: text("path").notNull(),
    format: text("format").$type<CheckpointFormat>().notNull(),
    dtypes: text("dtypes", { mode: "json" }).$type<string[]>().notNull(),
    params: integer("params").notNull(),
    tensorCount: integer("tensor_count").notNull(),
    bytes: integer("bytes").notNull(),
    shards: text("shards", { mode: "json" }).$type<ShardInfo[]>().notNull(),
    /** Cheap identity taken at scan time: a hash of the headers, sizes and modification times. */
    fingerprint: text("fingerprint").notNull(),
    /** Full content hash over every weight file, computed on demand (null until then). */
    sha256: text("sha256"),
    status: text("status").$type<CheckpointStatus>().notNull().default("present"),
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    updatedAt: text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (table) => [
    uniqueIndex("checkpoints_run_step").on(table.runId, table.step),
    index("checkpoints_run_tokens").on(table.runId, table.tokens),
  ],
);

export type Checkpoint = typeof checkpoints.$inferSelect;
export type NewCheckpoint = typeof checkpoints.$inferInsert;

import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { jobs } from "./jobs";
import { recipes } from "./sweeps";

export type ArtifactState = "published" | "deleted";

/**
 * Files the product wrote under `<dataDir>/artifacts/` (merged models, for now). A row in state "published" is a
 * promise: the directory exists, is complete, and has exactly `bytes` and `sha256`. It is written in the same
 * transaction that renames the attempt's partial directory into place, and flipped to "deleted" before gc
 * removes the files.
 */
export const artifacts = sqliteTable(
  "artifacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** "merge" for merged models; "test" for the queue's own tests. */
    kind: text("kind").$type<"merge" | "test" | "eval">().notNull(),
    /** Path relative to the artifacts directory, e.g. `merges/<recipe hash>`. */
    name: text("name").notNull(),
    recipeHash: text("recipe_hash").references(() => recipes.hash),
    bytes: integer("bytes").notNull(),
    /** sha256 of the output as the executor computed it while writing. */
    sha256: text("sha256").notNull(),
    files: text("files", { mode: "json" }).$type<string[]>().notNull(),
    state: text("state").$type<ArtifactState>().notNull().default("published"),
    jobId: integer("job_id").references(() => jobs.id, { onDelete: "set null" }),
    attempt: integer("attempt"),
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    deletedAt: text("deleted_at"),
  },
  (table) => [
    // At most one live copy of a name and of a recipe; deleted rows stay as history.
    uniqueIndex("artifacts_live_name").on(table.name).where(sql`state = 'published'`),
    uniqueIndex("artifacts_live_recipe").on(table.recipeHash).where(sql`state = 'published' and recipe_hash is not null`),
    index("artifacts_job").on(table.jobId),
  ],
);

export type Artifact = typeof artifacts.$inferSelect;

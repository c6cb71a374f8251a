import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Where the committed migrations live, whether we run from source (tsx, vitest) or from a Next build. */
function migrationsFolder(): string {
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations"));
  } catch {
    // import.meta.url is not a file URL inside some bundles; fall back to the working directory.
  }
  candidates.push(path.join(process.cwd(), "db", "migrations"));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "meta", "_journal.json")));
  if (!found) throw new Error(`Database migrations not found (looked in ${candidates.join(", ")})`);
  return found;
}

/**
 * Opens (creating if needed) the SQLite database and applies every pending migration. Every entry point
 * (web, worker, CLI, tests) goes through here, so a fresh data dir is always usable.
 */
export function openDatabase(databasePath: string): Db {
  if (databasePath !== ":memory:") fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const sqlite = new Database(databasePath);
  sqlite.pragma("journal_mode = WAL");
  // Writers wait for each other instead of failing with SQLITE_BUSY. 30 s: on a loaded 2-core machine a
  // writer holding the lock can be descheduled mid-fsync for seconds, and a claim should wait, not fail.
  sqlite.pragma("busy_timeout = 30000");
  // FULL: job state must survive power loss; NORMAL can lose the last commits in WAL mode.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: migrationsFolder() });
  return db;
}

/** Runs `fn` in a BEGIN IMMEDIATE transaction: a read-then-write never fails half-way with "database is locked". */
export function writeTransaction<T>(db: Db, fn: (tx: Db) => T): T {
  return db.transaction((tx) => fn(tx as unknown as Db), { behavior: "immediate" });
}

/**
 * Runs `fn` in one deferred transaction: every read inside sees the same snapshot of the database (WAL keeps it
 * while writers commit around it), so a report computed from several queries is consistent.
 */
export function readTransaction<T>(db: Db, fn: (tx: Db) => T): T {
  return db.transaction((tx) => fn(tx as unknown as Db), { behavior: "deferred" });
}

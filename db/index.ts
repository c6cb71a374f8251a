import { getConfig } from "../lib/env";
import { openDatabase, type Db } from "./client";

let shared: Db | undefined;

/** The process-wide database for the configured data dir (opened and migrated on first use). */
export function getDb(): Db {
  shared ??= openDatabase(getConfig().databasePath);
  return shared;
}

/** Closes the shared connection (CLI exit, tests). */
export function closeDb(): void {
  shared?.$client.close();
  shared = undefined;
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Db } from "../../../db/client";

/** A fresh data dir with a migrated database in it. */
export function tempDataDir(prefix = "pma-jobs-"): { dataDir: string; databasePath: string; db: Db } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const databasePath = path.join(dataDir, "pma-lab.sqlite");
  return { dataDir, databasePath, db: openDatabase(databasePath) };
}

/** A clock tests move by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let at = start;
  return {
    get now() {
      return at;
    },
    advance(ms: number) {
      at += ms;
      return at;
    },
  };
}

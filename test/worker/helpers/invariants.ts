import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { Db } from "../../../db/client";
import { listTree } from "../../../lib/disk";

/**
 * reliability.md, "Invariants that must hold after every test": no job running on a long-expired lease, no job
 * with two winning attempts, no artifact row whose files are missing, partial, outside the roots or of another
 * size, no stale partials, integrity and foreign keys clean.
 */
export function checkInvariants(db: Db, dataDir: string, options: { graceMs?: number } = {}): void {
  const sql = db.$client;
  expect(sql.pragma("integrity_check", { simple: true })).toBe("ok");
  expect(sql.pragma("foreign_key_check")).toEqual([]);
  const stale = sql.prepare("select id from jobs where status = 'running' and lease_expires_at < ?").all(Date.now() - (options.graceMs ?? 5_000));
  expect(stale).toEqual([]);
  const doubleWins = sql.prepare("select job_id from job_attempts where outcome = 'succeeded' group by job_id having count(*) > 1").all();
  expect(doubleWins).toEqual([]);
  const succeededWithoutWin = sql
    .prepare("select id from jobs where status = 'succeeded' and id not in (select job_id from job_attempts where outcome = 'succeeded')")
    .all();
  expect(succeededWithoutWin).toEqual([]);
  const artifactsDir = path.join(dataDir, "artifacts");
  const rows = sql.prepare("select name, bytes, files from artifacts where state = 'published'").all() as { name: string; bytes: number; files: string }[];
  for (const row of rows) {
    const dir = path.join(artifactsDir, row.name);
    expect(path.relative(artifactsDir, dir).startsWith("..")).toBe(false);
    const files = listTree(dir);
    expect(files.map((file) => file.file)).toEqual([...(JSON.parse(row.files) as string[])].sort());
    expect(files.reduce((total, file) => total + file.bytes, 0)).toBe(row.bytes);
  }
  const running = sql.prepare("select count(*) as n from jobs where status = 'running'").get() as { n: number };
  if (running.n === 0) {
    const leftovers = fs.existsSync(artifactsDir)
      ? fs.readdirSync(artifactsDir).flatMap((folder) => fs.readdirSync(path.join(artifactsDir, folder)).filter((entry) => /\.(partial|orphan|deleting)-/.test(entry)))
      : [];
    expect(leftovers).toEqual([]);
  }
}

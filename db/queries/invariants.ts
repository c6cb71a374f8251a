import type { Db } from "../client";

/**
 * Read-only queries for the invariant checker (lib/jobs/invariants.ts): each returns the rows that break one rule
 * of reliability.md, "Invariants that must hold after every test", so an empty answer means the rule holds.
 */

export function integrityProblems(db: Db): string[] {
  const integrity = String(db.$client.pragma("integrity_check", { simple: true }));
  const foreignKeys = db.$client.pragma("foreign_key_check") as { table: string; rowid: number; parent: string }[];
  return [...(integrity === "ok" ? [] : [`integrity_check: ${integrity}`]), ...foreignKeys.map((row) => `foreign key: ${row.table} row ${row.rowid} → missing ${row.parent}`)];
}

export function jobsRunningOnExpiredLeases(db: Db, before: number): { id: number; leaseExpiresAt: number }[] {
  return db.$client.prepare("select id, lease_expires_at as leaseExpiresAt from jobs where status = 'running' and lease_expires_at < ?").all(before) as never;
}

export function jobsWithSeveralWins(db: Db): { jobId: number; wins: number }[] {
  return db.$client.prepare("select job_id as jobId, count(*) as wins from job_attempts where outcome = 'succeeded' group by job_id having count(*) > 1").all() as never;
}

export function succeededJobsWithoutWin(db: Db): { id: number }[] {
  return db.$client.prepare("select id from jobs where status = 'succeeded' and id not in (select job_id from job_attempts where outcome = 'succeeded')").all() as never;
}

/** A running job must be held by exactly its current attempt; an attempt may only be "running" for that job. */
export function inconsistentLeases(db: Db): { jobId: number; problem: string }[] {
  return db.$client
    .prepare(
      `select j.id as jobId, 'running without a running attempt holding its token' as problem from jobs j
         where j.status = 'running' and not exists (select 1 from job_attempts a where a.job_id = j.id and a.outcome = 'running' and a.lease_token = j.lease_token)
       union all
       select a.job_id, 'attempt ' || a.attempt || ' is running but does not hold the job' from job_attempts a join jobs j on j.id = a.job_id
         where a.outcome = 'running' and (j.status <> 'running' or j.lease_token is not a.lease_token)`,
    )
    .all() as never;
}

export function publishedArtifactRows(db: Db): { id: number; kind: string; name: string; bytes: number; sha256: string; files: string; recipeHash: string | null }[] {
  return db.$client.prepare("select id, kind, name, bytes, sha256, files, recipe_hash as recipeHash from artifacts where state = 'published' order by id").all() as never;
}

/** Done sweep cells whose recipe has no live output (unless the output was deliberately deleted by gc). */
export function doneCellsWithoutOutput(db: Db): { cellId: number; recipeHash: string }[] {
  return db.$client
    .prepare(
      `select c.id as cellId, c.recipe_hash as recipeHash from sweep_cells c
        where c.status = 'done' and c.recipe_hash is not null
          and not exists (select 1 from artifacts a where a.recipe_hash = c.recipe_hash)`,
    )
    .all() as never;
}

/** Metrics of evaluations that neither succeeded nor are being produced right now: a losing attempt's rows. */
export function metricsOfLosingAttempts(db: Db): { evaluationId: number; status: string; rows: number }[] {
  return db.$client
    .prepare(
      `select e.id as evaluationId, e.status as status, count(*) as rows from metrics m join evaluations e on e.id = m.evaluation_id
        where e.status not in ('succeeded', 'running') group by e.id`,
    )
    .all() as never;
}

export function runningJobCount(db: Db): number {
  return (db.$client.prepare("select count(*) as n from jobs where status = 'running'").get() as { n: number }).n;
}

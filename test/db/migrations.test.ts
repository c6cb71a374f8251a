import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, writeTransaction } from "../../db/client";
import { listRuns, upsertCheckpoint, upsertLogPoints, upsertRun, listLogSeries, markMissingCheckpoints, listCheckpoints } from "../../db/queries";

function tempDbPath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pma-db-")), "nested", "pma-lab.sqlite");
}

const fields = (step: number) => ({
  tokens: step * 1000,
  lr: 1e-3,
  phase: "stable" as const,
  path: `/ckpt/step-${step}`,
  format: "safetensors" as const,
  dtypes: ["BF16"],
  params: 10,
  tensorCount: 2,
  bytes: 100,
  shards: [{ file: "model.safetensors", bytes: 100, tensors: 2 }],
  fingerprint: `fp:${step}`,
});

describe("database", () => {
  it("creates every table from an empty file with the safety pragmas on", () => {
    const db = openDatabase(tempDbPath());
    const tables = db.$client.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[];
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(["runs", "checkpoints", "training_logs"]));
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(30000);
    db.$client.close();
  });

  it("re-opening applies nothing twice and keeps the data", () => {
    const file = tempDbPath();
    const first = openDatabase(file);
    upsertRun(first, "main", { tokensPerStep: 1000 });
    first.$client.close();
    const second = openDatabase(file);
    expect(listRuns(second).map((run) => run.name)).toEqual(["main"]);
    expect(second.$client.pragma("integrity_check", { simple: true })).toBe("ok");
    second.$client.close();
  });

  it("upserts checkpoints and log points idempotently and flags vanished checkpoints", () => {
    const db = openDatabase(tempDbPath());
    const run = upsertRun(db, "main", {});
    writeTransaction(db, (tx) => {
      expect(upsertCheckpoint(tx, run.id, 10, fields(10))).toBe("added");
      expect(upsertCheckpoint(tx, run.id, 20, fields(20))).toBe("added");
    });
    expect(upsertCheckpoint(db, run.id, 10, fields(10))).toBe("unchanged");
    expect(upsertCheckpoint(db, run.id, 10, { ...fields(10), fingerprint: "fp:new" })).toBe("updated");
    expect(markMissingCheckpoints(db, run.id, new Set([10]))).toBe(1);
    expect(listCheckpoints(db, run.id).map((row) => row.step)).toEqual([10]);
    expect(listCheckpoints(db, run.id, { includeMissing: true }).map((row) => row.status)).toEqual(["present", "missing"]);
    expect(upsertCheckpoint(db, run.id, 20, fields(20))).toBe("updated");
    upsertLogPoints(db, run.id, [{ series: "loss", step: 1, tokens: 1000, value: 3 }]);
    upsertLogPoints(db, run.id, [{ series: "loss", step: 1, tokens: 1000, value: 2.5 }]);
    expect(listLogSeries(db, run.id)).toEqual({ loss: [{ step: 1, tokens: 1000, value: 2.5 }] });
    db.$client.close();
  });

  it("rolls back a failed write transaction as a whole", () => {
    const db = openDatabase(tempDbPath());
    expect(() =>
      writeTransaction(db, (tx) => {
        upsertRun(tx, "doomed", {});
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(listRuns(db)).toEqual([]);
    db.$client.close();
  });
});

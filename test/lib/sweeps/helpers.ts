import { writeTransaction, type Db } from "../../../db/client";
import { upsertCheckpoint, upsertRun } from "../../../db/queries";
import type { Run } from "../../../db/schema";

export const M = 1_000_000;

/** A run checkpointed every `every` tokens (1000 tokens per step), rows only: paths need not exist for planning. */
export function seedRun(db: Db, name = "main", options: { every?: number; count?: number; bytes?: number; pathOf?: (step: number) => string } = {}): Run {
  const every = options.every ?? M;
  const count = options.count ?? 10;
  const run = upsertRun(db, name, { tokensPerStep: 1000 });
  writeTransaction(db, (tx) => {
    for (let i = 1; i <= count; i++) {
      const step = (i * every) / 1000;
      upsertCheckpoint(tx, run.id, step, {
        tokens: i * every,
        lr: 1e-3,
        phase: "stable",
        path: options.pathOf?.(step) ?? `/ckpt/${name}/step-${step}`,
        format: "safetensors",
        dtypes: ["BF16"],
        params: 1000,
        tensorCount: 2,
        bytes: options.bytes ?? 2000,
        shards: [{ file: "model.safetensors", bytes: options.bytes ?? 2000, tensors: 2 }],
        fingerprint: `fp-${name}-${step}`,
      });
    }
  });
  return run;
}

/** A roomy disk for tests that are not about disk space. */
export const bigDisk = () => ({ freeBytes: 1e15, totalBytes: 2e15 });

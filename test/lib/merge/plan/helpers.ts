import type { PlanCheckpoint } from "../../../../lib/merge/plan";

/** A run checkpointed every `every` tokens from `from` to `to`; ids count from 1, identities are "sha-<tokens>". */
export function makeRun(every: number, from: number, to: number, dtypes = ["BF16"]): PlanCheckpoint[] {
  const checkpoints: PlanCheckpoint[] = [];
  for (let tokens = from, id = 1; tokens <= to; tokens += every, id += 1) {
    checkpoints.push({ id, step: tokens / 1000, tokens, identity: `sha-${tokens}`, dtypes });
  }
  return checkpoints;
}

export function moveCheckpoint(checkpoints: PlanCheckpoint[], tokens: number, to: number): PlanCheckpoint[] {
  return checkpoints.map((checkpoint) => (checkpoint.tokens === tokens ? { ...checkpoint, tokens: to } : checkpoint));
}

export function dropCheckpoint(checkpoints: PlanCheckpoint[], tokens: number): PlanCheckpoint[] {
  return checkpoints.filter((checkpoint) => checkpoint.tokens !== tokens);
}

export const M = 1e6;
export const B = 1e9;

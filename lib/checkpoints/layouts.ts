/**
 * Recognises the directory names training frameworks give their checkpoints. Pure: takes names, returns steps.
 *   HF Trainer       checkpoint-<step>/      (with trainer_state.json)
 *   generic          step-<n>/ step_<n>/
 *   Megatron         iter_<n>/ (often zero-padded to 7 digits: iter_0001000)
 *   DeepSpeed        global_step<n>/
 */
export type CheckpointLayout = "hf-trainer" | "step-dash" | "step-underscore" | "megatron-iter" | "deepspeed-global-step";

const PATTERNS: { layout: CheckpointLayout; pattern: RegExp }[] = [
  { layout: "hf-trainer", pattern: /^checkpoint-(\d+)$/ },
  { layout: "step-dash", pattern: /^step-(\d+)$/ },
  { layout: "step-underscore", pattern: /^step_(\d+)$/ },
  { layout: "megatron-iter", pattern: /^iter_(\d+)$/ },
  { layout: "deepspeed-global-step", pattern: /^global_step(\d+)$/ },
];

export interface CheckpointDirName {
  name: string;
  step: number;
  layout: CheckpointLayout;
}

/** Parses one directory name; undefined when it is not a checkpoint name (or the step is not a safe integer). */
export function parseCheckpointDirName(name: string): CheckpointDirName | undefined {
  for (const { layout, pattern } of PATTERNS) {
    const match = pattern.exec(name);
    if (!match) continue;
    const step = Number(match[1]);
    if (!Number.isSafeInteger(step)) return undefined;
    return { name, step, layout };
  }
  return undefined;
}

/**
 * Picks the checkpoint directories among `names`, sorted by step. Two names for the same step (say `step-100`
 * and `step_100`) are ambiguous: both are returned in `conflicts` and neither is registered.
 */
export function findCheckpointDirs(names: string[]): { found: CheckpointDirName[]; conflicts: CheckpointDirName[] } {
  const byStep = new Map<number, CheckpointDirName[]>();
  for (const name of names) {
    const parsed = parseCheckpointDirName(name);
    if (parsed) byStep.set(parsed.step, [...(byStep.get(parsed.step) ?? []), parsed]);
  }
  const found: CheckpointDirName[] = [];
  const conflicts: CheckpointDirName[] = [];
  for (const entries of byStep.values()) {
    if (entries.length === 1) found.push(entries[0]);
    else conflicts.push(...entries);
  }
  found.sort((a, b) => a.step - b.step);
  return { found, conflicts };
}

/** Steps whose spacing differs from the most common spacing: reported as gaps, not errors. */
export function findStepGaps(steps: number[]): { after: number; before: number; expected: number }[] {
  if (steps.length < 3) return [];
  const spacings = steps.slice(1).map((step, index) => step - steps[index]);
  const counts = new Map<number, number>();
  for (const spacing of spacings) counts.set(spacing, (counts.get(spacing) ?? 0) + 1);
  const expected = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  return spacings
    .map((spacing, index) => ({ after: steps[index], before: steps[index + 1], spacing }))
    .filter((entry) => entry.spacing > expected)
    .map(({ after, before }) => ({ after, before, expected }));
}

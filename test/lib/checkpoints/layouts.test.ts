import { describe, expect, it } from "vitest";
import { findCheckpointDirs, findStepGaps, parseCheckpointDirName } from "../../../lib/checkpoints/layouts";

describe("checkpoint directory names", () => {
  it.each([
    ["checkpoint-500", 500, "hf-trainer"],
    ["step-1000", 1000, "step-dash"],
    ["step_20", 20, "step-underscore"],
    ["iter_0001000", 1000, "megatron-iter"],
    ["iter_12", 12, "megatron-iter"],
    ["global_step300", 300, "deepspeed-global-step"],
  ])("%s is step %i (%s)", (name, step, layout) => {
    expect(parseCheckpointDirName(name)).toEqual({ name, step, layout });
  });

  it.each(["checkpoint-", "checkpoint-1a", "steps-10", "iter-10", "runs", "checkpoint-99999999999999999999"])("%s is not a checkpoint", (name) => {
    expect(parseCheckpointDirName(name)).toBeUndefined();
  });

  it("sorts by step and reports two names claiming one step as conflicts", () => {
    const { found, conflicts } = findCheckpointDirs(["step-20", "logs", "step-10", "step_30", "step-30"]);
    expect(found.map((entry) => entry.step)).toEqual([10, 20]);
    expect(conflicts.map((entry) => entry.name).sort()).toEqual(["step-30", "step_30"]);
  });

  it("reports gaps against the most common spacing", () => {
    expect(findStepGaps([100, 200, 300, 500, 600])).toEqual([{ after: 300, before: 500, expected: 100 }]);
    expect(findStepGaps([100, 200, 300])).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import type { Job } from "../../../db/schema";
import { summarizeJob } from "../../../lib/jobs/snapshot";

const job = (kind: string, payload: unknown) => ({ kind, payload }) as unknown as Job;

describe("job summaries on the jobs page", () => {
  it("say what each kind of job is about", () => {
    expect(summarizeJob(job("sweep-pass", { outputs: [1, 2], inputs: [1, 2, 3], sweepId: 4 }))).toBe("2 output(s) from 3 checkpoint(s) · sweep #4");
    expect(summarizeJob(job("evaluate", { evaluator: "heldout-loss", target: { kind: "merge", recipeHash: "ab".repeat(32), path: "/x" } }))).toBe(
      "heldout-loss on merge ababababab",
    );
    expect(summarizeJob(job("evaluate", { evaluator: "lm-eval", target: { kind: "checkpoint", checkpointId: 1, path: "/ckpt/run/step-100" } }))).toBe(
      "lm-eval on checkpoint run/step-100",
    );
    expect(summarizeJob(job("lab-train", { scale: "demo", dir: "lab/demo", demoSweep: true }))).toBe("demo-scale lab, then the demo sweep");
    expect(summarizeJob(job("noop", { sleepMs: 5 }))).toBe("sleep 5 ms");
  });
});

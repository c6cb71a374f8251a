import { describe, expect, it } from "vitest";
import { PmaError } from "../../../../lib/errors";
import { planCell, type CellPlan, type CellSpec, type FeasiblePlan, type InfeasiblePlan } from "../../../../lib/merge/plan";
import { B, dropCheckpoint, M, makeRun, moveCheckpoint } from "./helpers";

const sma = { scheme: "sma" } as const;
const cell = (point: number, n: number, interval: number, scheme: CellSpec["scheme"] = sma): CellSpec => ({ scheme, n, interval, point });

function feasible(plan: CellPlan): FeasiblePlan {
  if (!plan.feasible) throw new Error(`expected a feasible plan, got: ${plan.reason} [${plan.code}]`);
  return plan;
}
function infeasible(plan: CellPlan): InfeasiblePlan {
  if (plan.feasible) throw new Error("expected an infeasible plan");
  return plan;
}

describe("planCell", () => {
  const run = makeRun(1 * M, 0, 20 * M); // checkpoints at 0, 1M, …, 20M

  it("takes T, T − V, …, T − (N−1)V, oldest first, with the scheme's weights", () => {
    const plan = feasible(planCell(run, cell(16 * M, 4, 2 * M, { scheme: "wma" })));
    expect(plan.inputs.map((input) => input.tokens)).toEqual([10 * M, 12 * M, 14 * M, 16 * M]);
    expect(plan.inputs.map((input) => input.target)).toEqual([10 * M, 12 * M, 14 * M, 16 * M]);
    expect(plan.inputs.map((input) => input.checkpointId)).toEqual([11, 13, 15, 17]);
    expect(plan.inputs.map((input) => input.identity)).toEqual(["sha-10000000", "sha-12000000", "sha-14000000", "sha-16000000"]);
    expect(plan.weights).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(plan.inputs.map((input) => input.weight)).toEqual(plan.weights);
    expect(plan.inputs.every((input) => input.offBy === 0)).toBe(true);
    expect(plan.notes).toEqual([]);
  });

  it("lets a checkpoint within tolerance stand in, and says by how much", () => {
    const jittered = moveCheckpoint(moveCheckpoint(run, 12 * M, 12.04 * M), 16 * M, 15.97 * M);
    const plan = feasible(planCell(jittered, cell(16 * M, 4, 2 * M), { tolerance: 50_000 }));
    expect(plan.inputs.map((input) => [input.target, input.tokens, input.offBy])).toEqual([
      [10 * M, 10 * M, 0],
      [12 * M, 12.04 * M, 40_000],
      [14 * M, 14 * M, 0],
      [16 * M, 15.97 * M, -30_000],
    ]);
    expect(plan.notes).toEqual(["#13 at 12.04M stands in for T − 2V = 12M (+40K)", "#17 at 15.97M stands in for T = 16M (−30K)"]);
  });

  it("defaults the tolerance to 1% of V", () => {
    const jittered = moveCheckpoint(run, 12 * M, 12.02 * M);
    expect(planCell(jittered, cell(16 * M, 4, 2 * M)).feasible).toBe(true); // 20K ≤ 1% of 2M
    const far = moveCheckpoint(run, 12 * M, 12.03 * M);
    const plan = infeasible(planCell(far, cell(16 * M, 4, 2 * M)));
    expect(plan.code).toBe("plan_checkpoint_missing");
    expect(plan.missingTargets).toEqual([12 * M]);
  });

  it("explains a checkpoint outside the tolerance in plain words", () => {
    const drifted = moveCheckpoint(makeRun(4 * M, 0, 40 * M), 12 * M, 12.4 * M);
    const plan = infeasible(planCell(drifted, cell(24 * M, 4, 4 * M), { tolerance: 100_000 }));
    expect(plan.reason).toBe("needs a checkpoint at 12M tokens (T − 3V); nearest is #4 at 12.4M (+400K), outside the ±100K tolerance");
    expect(plan.missingTargets).toEqual([12 * M]);
  });

  it("never substitutes a checkpoint recorded as missing, and says so", () => {
    const lost = run.map((checkpoint) => (checkpoint.tokens === 14 * M ? { ...checkpoint, status: "missing" as const } : checkpoint));
    const plan = infeasible(planCell(lost, cell(16 * M, 4, 2 * M)));
    expect(plan.code).toBe("plan_checkpoint_missing");
    expect(plan.reason).toBe("needs a checkpoint at 14M tokens (T − V); #15 at 14M is recorded but its files are missing");
  });

  it("counts every unmatched target", () => {
    const gappy = dropCheckpoint(dropCheckpoint(dropCheckpoint(run, 10 * M), 12 * M), 14 * M);
    const plan = infeasible(planCell(gappy, cell(16 * M, 4, 2 * M)));
    expect(plan.missingTargets).toEqual([10 * M, 12 * M, 14 * M]);
    expect(plan.reason).toMatch(/^needs a checkpoint at 10M tokens \(T − 3V\); nearest is #10 at 9M \(−1M\).*\(and 2 more targets unmatched\)$/);
  });

  it("explains an empty run", () => {
    const plan = infeasible(planCell([], cell(16 * M, 1, 2 * M)));
    expect(plan.reason).toBe("needs a checkpoint at 16M tokens (T); the run has no checkpoints with files present");
  });

  it("reproduces the paper's 'at 204B with V = 32B, N must shrink'", () => {
    const paperRun = makeRun(4 * B, 4 * B, 1600 * B); // stable-phase checkpoints every 4B
    const plan = infeasible(planCell(paperRun, cell(204 * B, 10, 32 * B)));
    expect(plan.code).toBe("plan_before_start");
    expect(plan.missingTargets).toEqual([-84 * B, -52 * B, -20 * B]);
    expect(plan.reason).toBe(
      "needs 3 checkpoints from before training started (T − 7V = −20B … T − 9V = −84B); at most N = 7 fits at T = 204B with V = 32B",
    );
    const shrunk = feasible(planCell(paperRun, cell(204 * B, 6, 32 * B)));
    expect(shrunk.inputs[0].tokens).toBe(44 * B); // "Six reach back to 44B"
  });

  it("reports targets before the start and gaps together", () => {
    const plan = infeasible(planCell(makeRun(4 * B, 16 * B, 100 * B), cell(44 * B, 3, 32 * B)));
    expect(plan.code).toBe("plan_before_start");
    expect(plan.missingTargets).toEqual([-20 * B, 12 * B]);
    expect(plan.reason).toBe(
      "needs a checkpoint at −20B tokens (T − 2V), before training started; at most N = 2 fits at T = 44B with V = 32B; " +
        "needs a checkpoint at 12B tokens (T − V); nearest is #1 at 16B (+4B), outside the ±320M tolerance",
    );
  });

  it("never lets one checkpoint fill two targets", () => {
    // Targets 20M, 22M, 24M over checkpoints every 4M: 22M is equally far from 20M and 24M, and the earlier wins.
    const sparse = makeRun(4 * M, 0, 40 * M);
    const plan = infeasible(planCell(sparse, cell(24 * M, 3, 2 * M), { tolerance: 2 * M }));
    expect(plan.code).toBe("plan_checkpoint_reused");
    expect(plan.reason).toBe(
      "#6 at 20M is the nearest checkpoint for both T − 2V = 20M and T − V = 22M; a checkpoint may fill only one target, " +
        "so narrow the ±2M tolerance below V/2 = 1M",
    );
  });

  it("prefers the earlier checkpoint on a tie in distance", () => {
    const plan = feasible(planCell(makeRun(2 * M, 0, 20 * M), cell(11 * M, 1, 1 * M), { tolerance: 1 * M }));
    expect(plan.inputs[0]).toMatchObject({ tokens: 10 * M, offBy: -1 * M });
  });

  it.each<[string, CellSpec, string]>([
    ["N = 0", cell(16 * M, 0, 2 * M), "plan_invalid_n"],
    ["N = 2.5", cell(16 * M, 2.5, 2 * M), "plan_invalid_n"],
    ["V = 0", cell(16 * M, 3, 0), "plan_invalid_interval"],
    ["V < 0", cell(16 * M, 3, -2 * M), "plan_invalid_interval"],
    ["T < 0", cell(-1, 3, 2 * M), "plan_invalid_point"],
    ["α = 2", cell(16 * M, 3, 2 * M, { scheme: "ema", alpha: 2, form: "recursive" }), "weights_invalid_alpha"],
    ["custom of the wrong length", cell(16 * M, 3, 2 * M, { scheme: "custom", weights: [1, 1], normalise: true }), "weights_custom_length"],
  ])("is infeasible, not an exception, for %s", (_label, spec, code) => {
    const plan = infeasible(planCell(run, spec));
    expect(plan.code).toBe(code);
    expect(plan.reason.length).toBeGreaterThan(10);
  });

  it("throws on a bad explicit tolerance, which is configuration, not a cell", () => {
    expect(() => planCell(run, cell(16 * M, 2, 2 * M), { tolerance: -1 })).toThrow(PmaError);
  });

  it("refuses a window whose inputs store different dtypes", () => {
    const mixed = run.map((checkpoint) => (checkpoint.tokens === 16 * M ? { ...checkpoint, dtypes: ["F32"] } : checkpoint));
    const plan = infeasible(planCell(mixed, cell(16 * M, 3, 2 * M)));
    expect(plan.code).toBe("plan_dtype_mismatch");
    expect(plan.reason).toBe("inputs disagree on dtype: #13 stores BF16 but #17 stores F32; every input of a merge must store the same dtypes");
    const unread = run.map((checkpoint) => (checkpoint.tokens === 16 * M ? { ...checkpoint, dtypes: [] } : checkpoint));
    expect(planCell(unread, cell(16 * M, 3, 2 * M)).feasible).toBe(true);
  });
});

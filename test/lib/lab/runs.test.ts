import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectSpike, planLab, planRestarts } from "../../../lib/lab/runs";
import { LAB_SCALES } from "../../../lib/lab/scales";

describe("the lab plan", () => {
  const lab = planLab(LAB_SCALES.ci, "/labs/ci");

  it("has a main run, annealed branches forked from its stable checkpoints, and an unstable run", () => {
    expect(lab.runs.map((r) => r.name)).toEqual(["main", "annealed-736", "annealed-896", "annealed-1056", "unstable"]);
    const branch = lab.runs[1];
    expect(branch.needs).toEqual([{ run: "main", step: 736 }]);
    expect(branch.plan.init).toEqual({ kind: "checkpoint", dir: join("/labs/ci", "main", "step-736"), optimizer: "keep" });
    const budgets = lab.runs.filter((r) => r.kind === "annealed").map((r) => r.plan.endStep - r.plan.startStep);
    expect(new Set(budgets).size).toBe(1);
    expect(lab.runs[0].plan.schedule.decayFrom).toBeNull();
    expect(lab.runs.every((r) => r.plan.dataSeed === LAB_SCALES.ci.seed || r.kind === "unstable")).toBe(true);
  });

  it("refuses forks outside the stable phase", () => {
    expect(() => planLab({ ...LAB_SCALES.ci, branches: { ...LAB_SCALES.ci.branches, forks: [1270] } }, "/x")).toThrow(expect.objectContaining({ code: "lab_bad_plan" }));
  });
});

describe("loss spikes and restarts", () => {
  const flat = Array.from({ length: 60 }, (_, i) => ({ step: i + 1, loss: 2.5 - i * 0.002 + (i % 2 ? 0.05 : -0.05) }));
  const spiked = [...flat, ...Array.from({ length: 30 }, (_, i) => ({ step: 61 + i, loss: 3.2 }))];

  it("ignores noise and finds a spike where the smoothed loss jumps", () => {
    expect(detectSpike(flat)).toBeNull();
    const spike = detectSpike(spiked)!;
    // Reported at the start of the smoothing window that first showed the rise: conservative, never late.
    expect(spike.step).toBeGreaterThan(50);
    expect(spike.step).toBeLessThanOrEqual(61);
    expect(spike.peak).toBeCloseTo(3.2);
    expect(detectSpike([...flat, { step: 61, loss: Number.NaN }])!.step).toBe(61);
  });

  it("restarts from the last three pre-spike checkpoints: averaged (PMA-init) vs the latest alone", () => {
    const restarts = planRestarts(lab0(), spiked, [20, 40, 45, 50, 55, 60, 80])!;
    expect(restarts.window).toEqual([40, 45, 50]);
    const [pma, rollback] = restarts.runs;
    expect(pma.plan.init).toMatchObject({ kind: "average", weights: [1 / 3, 1 / 3, 1 / 3] });
    expect(rollback.plan.init).toMatchObject({ kind: "checkpoint", optimizer: "reset" });
    for (const r of restarts.runs) expect(r.plan).toMatchObject({ startStep: 50, dataSeed: LAB_SCALES.ci.seed + 1, schedule: { rewarm: { from: 50 } } });
    expect(planRestarts(lab0(), flat, [20, 40])).toBeNull();
  });

  function lab0() {
    return planLab(LAB_SCALES.ci, "/labs/ci");
  }
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agreement, annealingPrediction, predictionByConfig, type RunScores } from "../../../lib/analysis";
import { cell, checkpoint, fixtureRun, loss } from "./fixture";

const data = fixtureRun();
const sma = { scheme: "sma", n: 2, interval: 10 };

describe("annealing prediction", () => {
  const prediction = annealingPrediction(data, "loss", sma);

  it("sets the merge at each fork point against the branch's final checkpoint", () => {
    expect(prediction.rows.map((r) => [r.fork, r.branch, r.annealedTokens, r.merged.value, r.annealed.value])).toEqual([
      [40, "anneal-40", 60, 3.1, 3.0],
      [60, "anneal-60", 80, 2.7, 2.8],
      [80, "anneal-80", 100, 2.6, 2.5],
    ]);
    expect(prediction.rows.map((r) => Number(r.error.toFixed(9)))).toEqual([0.1, -0.1, 0.1]);
    expect(prediction.rows[0].merged.stderr).toBe(0.03);
  });

  it("summarises the error and the rank agreement across forks (hand-computed)", () => {
    expect(prediction.merged).toEqual({
      forks: 3,
      meanAbsError: expect.closeTo(0.1, 9),
      maxAbsError: expect.closeTo(0.1, 9),
      meanError: expect.closeTo(0.1 / 3, 9),
      spearman: 1,
      kendall: 1,
      bestAgrees: true,
    });
  });

  it("scores the latest un-merged checkpoint as the predictor to beat", () => {
    expect(prediction.rows.map((r) => r.latest?.value)).toEqual([3.3, 3.0, 3.05]);
    // Errors 0.3, 0.2, 0.55; ranks [3, 1, 2] vs [3, 2, 1].
    expect(prediction.latest).toEqual({
      forks: 3,
      meanAbsError: expect.closeTo(1.05 / 3, 9),
      maxAbsError: expect.closeTo(0.55, 9),
      meanError: expect.closeTo(1.05 / 3, 9),
      spearman: expect.closeTo(0.5, 12),
      kendall: expect.closeTo(1 / 3, 12),
      bestAgrees: false,
    });
  });

  it("says what is missing for a fork it cannot compare", () => {
    expect(prediction.missing).toEqual([{ fork: 50, branch: "anneal-50", reason: "anneal-50's final checkpoint (step 7, 70 tokens) has no loss score" }]);
    const wma = annealingPrediction(data, "loss", { scheme: "wma", n: 2, interval: 10 });
    expect(wma.missing.map((m) => m.reason)).toContain("no WMA · N=2 · V=10 merge at T = 80: add this merge point to a sweep");
    const unscored = annealingPrediction(data, "loss", { scheme: "sma", n: 2, interval: 20 });
    expect(unscored.missing.map((m) => m.reason)).toContain("the SMA · N=2 · V=20 merge at T = 60 has no loss score yet");
    const empty: RunScores = { ...data, annealed: [{ name: "bare", forkTokens: 40, checkpoints: [] }] };
    expect(annealingPrediction(empty, "loss", sma).missing[0].reason).toBe("bare has no checkpoints");
  });

  it("is undefined, not wrong, with fewer than two forks", () => {
    const one: RunScores = { ...data, annealed: data.annealed.slice(1, 2) };
    expect(annealingPrediction(one, "loss", sma).merged).toMatchObject({ forks: 1, spearman: null, kendall: null, bestAgrees: null, meanAbsError: expect.closeTo(0.1, 9) });
  });

  it("ranks every configuration by how well it predicts", () => {
    const ranked = predictionByConfig(data, "loss");
    // wma/2/10 is exact at 40 (3.0) and 0.05 off at 60: mean |error| 0.025 over its two forks.
    expect(ranked[0]).toMatchObject({ key: "wma|2|10", forks: 2, meanAbsError: expect.closeTo(0.025, 9) });
    expect(ranked[1]).toMatchObject({ key: "sma|2|10", forks: 3 });
    // sma/3/10 predicts 3.15 vs 3.0 and 2.65 vs 2.8: mean |error| 0.15.
    expect(ranked.find((r) => r.key === "sma|3|10")).toMatchObject({ forks: 2, meanAbsError: expect.closeTo(0.15, 9) });
    expect(ranked.map((r) => r.key)).toEqual(["wma|2|10", "sma|2|10", "sma|3|10", "ema:0.1|2|10", "sma|2|20"]);
  });
});

describe("agreement, properties", () => {
  // Scores in thousandths: realistic, and free of subnormal doubles that an offset would wipe out.
  const score = fc.integer({ min: -10_000, max: 10_000 }).map((x) => x / 1000);
  const pairs = fc.array(fc.record({ predicted: score, actual: score }), { minLength: 1, maxLength: 20 });

  it("mean |error| ≤ max |error|, |mean error| ≤ mean |error|, and a perfect predictor has zero error and full agreement", () => {
    fc.assert(
      fc.property(pairs, fc.boolean(), (sample, higher) => {
        const a = agreement(sample, higher);
        expect(a.forks).toBe(sample.length);
        expect(a.meanAbsError!).toBeLessThanOrEqual(a.maxAbsError! + 1e-12);
        expect(Math.abs(a.meanError!)).toBeLessThanOrEqual(a.meanAbsError! + 1e-12);
        const perfect = agreement(sample.map((p) => ({ predicted: p.actual, actual: p.actual })), higher);
        expect(perfect.maxAbsError).toBe(0);
        if (perfect.spearman !== null) expect(perfect.spearman).toBeCloseTo(1, 9);
        if (sample.length > 1) expect(perfect.bestAgrees).toBe(true);
      }),
    );
  });

  it("a constant offset moves the mean error, not the rank agreement", () => {
    fc.assert(
      fc.property(pairs, score, (sample, offset) => {
        const plain = agreement(sample.map((p) => ({ predicted: p.actual, actual: p.actual })), false);
        const shifted = agreement(sample.map((p) => ({ predicted: p.actual + offset, actual: p.actual })), false);
        expect(shifted.meanError!).toBeCloseTo(offset, 6);
        expect(shifted.spearman).toEqual(plain.spearman === null ? null : expect.closeTo(plain.spearman, 6));
      }),
    );
  });
});

describe("prediction respects the direction when picking the best fork", () => {
  it("higher-is-better: the highest merged score must sit on the highest annealed score", () => {
    const acc = (value: number) => ({ acc: { value, stderr: null, n: null } });
    const run: RunScores = {
      ...fixtureRun(),
      checkpoints: [checkpoint(40), checkpoint(60)],
      cells: [cell("sma", 2, 10, 40, acc(0.6)), cell("sma", 2, 10, 60, acc(0.5))],
      annealed: [
        { name: "a40", forkTokens: 40, checkpoints: [checkpoint(50, { ...acc(0.7), ...loss(1) })] },
        { name: "a60", forkTokens: 60, checkpoints: [checkpoint(70, acc(0.65))] },
      ],
    };
    expect(annealingPrediction(run, "acc", sma).merged.bestAgrees).toBe(true);
    const swapped = { ...run, cells: [cell("sma", 2, 10, 40, acc(0.5)), cell("sma", 2, 10, 60, acc(0.6))] };
    expect(annealingPrediction(swapped, "acc", sma).merged.bestAgrees).toBe(false);
  });
});

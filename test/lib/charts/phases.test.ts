import { describe, expect, it } from "vitest";
import { phaseBands } from "../../../lib/charts/phases";

const xOf = (step: number, tokens: number | null) => tokens ?? step * 100;

describe("phaseBands", () => {
  it("uses the declared schedule exactly when there is one", () => {
    const bands = phaseBands({ schedule: { warmupEnd: 10, stableEnd: 80, decayEnd: 100 }, checkpoints: [] }, xOf, [0, 10_000]);
    expect(bands).toEqual([
      { phase: "warmup", start: 0, end: 1000 },
      { phase: "stable", start: 1000, end: 8000 },
      { phase: "decay", start: 8000, end: 10_000 },
    ]);
  });

  it("clips the bands to the plotted range (a branch starts at its fork)", () => {
    const bands = phaseBands({ schedule: { warmupEnd: 10, stableEnd: 80, decayEnd: 100 }, checkpoints: [] }, xOf, [6000, 9000]);
    expect(bands).toEqual([
      { phase: "stable", start: 6000, end: 8000 },
      { phase: "decay", start: 8000, end: 9000 },
    ]);
  });

  it("runs an open-ended decay to the last plotted point and drops phases not reached", () => {
    expect(phaseBands({ schedule: { warmupEnd: 10, stableEnd: 80 }, checkpoints: [] }, xOf, [0, 9000]).map((b) => [b.phase, b.end])).toEqual([
      ["warmup", 1000],
      ["stable", 8000],
      ["decay", 9000],
    ]);
    expect(phaseBands({ schedule: { warmupEnd: 10, stableEnd: 80 }, checkpoints: [] }, xOf, [0, 7000]).map((b) => b.phase)).toEqual([
      "warmup",
      "stable",
    ]);
  });

  it("splits the checkpoints' phases halfway between neighbours of different phases", () => {
    const checkpoints = [
      { step: 10, tokens: null, phase: "warmup" },
      { step: 20, tokens: null, phase: "stable" },
      { step: 40, tokens: null, phase: "stable" },
      { step: 60, tokens: null, phase: "decay" },
    ];
    expect(phaseBands({ checkpoints }, xOf, [0, 7000])).toEqual([
      { phase: "warmup", start: 0, end: 1500 },
      { phase: "stable", start: 1500, end: 5000 },
      { phase: "decay", start: 5000, end: 7000 },
    ]);
  });

  it("draws no bands when nothing carries a phase", () => {
    expect(phaseBands({ checkpoints: [{ step: 1, tokens: null, phase: null }] }, xOf, [0, 100])).toEqual([]);
  });
});

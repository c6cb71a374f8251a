import { describe, expect, it } from "vitest";
import { DEFAULT_INIT_K, DEFAULT_INIT_SCHEME, selectInitCheckpoints, type InitCandidate } from "../../../lib/init/select";

const every20: InitCandidate[] = [20, 40, 60, 80, 100, 120, 140].map((step) => ({ id: step, step, tokens: step * 512 }));

describe("selectInitCheckpoints", () => {
  it("defaults to the paper's recovery: SMA of the three checkpoints before the spike", () => {
    expect([DEFAULT_INIT_K, DEFAULT_INIT_SCHEME]).toEqual([3, { scheme: "sma" }]);
    const selection = selectInitCheckpoints(every20, { kind: "spike", startStep: 136, startTokens: 136 * 512 }, DEFAULT_INIT_K, DEFAULT_INIT_SCHEME);
    expect(selection.inputs.map((input) => [input.step, input.weight])).toEqual([
      [80, 1 / 3],
      [100, 1 / 3],
      [120, 1 / 3],
    ]);
    expect(selection.label).toBe("SMA of steps 80, 100, 120 (k=3)");
    expect(selection.notes).toEqual([]);
  });

  it("takes checkpoints strictly before a spike's first step, and at or before a chosen point", () => {
    const spike = selectInitCheckpoints(every20, { kind: "spike", startStep: 120, startTokens: null }, 2, { scheme: "sma" });
    expect(spike.inputs.map((input) => input.step)).toEqual([80, 100]);
    const point = selectInitCheckpoints(every20, { kind: "point", tokens: 120 * 512 }, 2, { scheme: "sma" });
    expect(point.inputs.map((input) => input.step)).toEqual([100, 120]);
  });

  it("skips checkpoints whose files are missing (and, for a point, those without a token count), and says when spacing is uneven", () => {
    const candidates = [...every20.map((c) => (c.step === 100 ? { ...c, status: "missing" } : c)), { id: 999, step: 110, tokens: null }];
    const selection = selectInitCheckpoints(candidates, { kind: "point", tokens: 120 * 512 }, 3, { scheme: "wma" });
    expect(selection.inputs.map((input) => [input.step, input.weight])).toEqual([
      [60, 1 / 6],
      [80, 2 / 6],
      [120, 3 / 6],
    ]);
    expect(selection.notes).toEqual(["the checkpoints are not evenly spaced (gaps of 20, 40 steps)"]);
  });

  it("weights EMA in its recursive reading, oldest absorbing the rest", () => {
    const selection = selectInitCheckpoints(every20, { kind: "point", tokens: 140 * 512 }, 3, { scheme: "ema", alpha: 0.5, form: "recursive" });
    expect(selection.inputs.map((input) => input.weight)).toEqual([0.25, 0.25, 0.5]);
    expect(selection.label).toBe("EMA α=0.5 (recursive) of steps 100, 120, 140 (k=3)");
  });

  it("refuses too few checkpoints with what to change, and a bad k", () => {
    expect(() => selectInitCheckpoints(every20, { kind: "spike", startStep: 50, startTokens: 25_600 }, 3, { scheme: "sma" })).toThrow(
      "only 2 checkpoints before the spike starting at step 50 (25.6K tokens); a PMA-init of k = 3 needs 3, so lower k to 2 or pick a later point",
    );
    expect(() => selectInitCheckpoints(every20, { kind: "point", tokens: 100 }, 1, { scheme: "sma" })).toThrow(expect.objectContaining({ code: "init_too_few_checkpoints", message: "no checkpoints at or before 100 tokens; a PMA-init of k = 1 needs 1" }));
    for (const k of [0, 1.5, 65]) expect(() => selectInitCheckpoints(every20, { kind: "point", tokens: 1e9 }, k, { scheme: "sma" })).toThrow(expect.objectContaining({ code: "init_k_invalid" }));
  });
});

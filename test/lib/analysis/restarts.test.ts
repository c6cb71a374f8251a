import { describe, expect, it } from "vitest";
import { restartWindow, type LoggedRun, type RestartRun } from "../../../lib/analysis";

const log = (from: number, to: number, value: (step: number) => number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ step: from + i, tokens: null, value: value(from + i) }));

// 100 tokens per step; the original spikes at step 60 and never recovers; restarts fork at step 50.
const original: LoggedRun = { name: "unstable", tokensPerStep: 100, logs: { loss: log(0, 80, (s) => (s < 60 ? 5 - s / 20 : 9)), grad_norm: log(0, 80, (s) => (s < 60 ? 1 : 40)) } };
const restart = (name: string, kind: string, value: number): RestartRun => ({
  name,
  kind,
  forkTokens: 5000,
  init: kind === "pma-init" ? "SMA of 3 checkpoints" : null,
  tokensPerStep: 100,
  logs: { loss: log(51, 70, () => value) },
});

describe("restartWindow", () => {
  const window = restartWindow(original, [restart("pma", "pma-init", 2.4), restart("rollback", "rollback", 2.6)], ["loss", "grad_norm"])!;

  it("frames the fork with as much before it as the restarts run after it, one range for every panel", () => {
    // Restarts end at 7000 tokens, 2000 after the fork: the window is 3000..7000.
    expect(window).toMatchObject({ fork: 5000, from: 3000, to: 7000 });
    expect(window.forks).toEqual([
      { name: "pma", tokens: 5000 },
      { name: "rollback", tokens: 5000 },
    ]);
    expect(window.panels.map((p) => p.series)).toEqual(["loss", "grad_norm"]);
  });

  it("clips the original run and keeps each restart whole", () => {
    const [first, pma, rollback] = window.panels[0].lines;
    expect(first).toMatchObject({ name: "unstable", role: "original" });
    expect(first.points[0]).toEqual([3000, 5 - 30 / 20]);
    expect(first.points[first.points.length - 1]).toEqual([7000, 9]);
    expect(pma).toMatchObject({ role: "restart", kind: "pma-init", init: "SMA of 3 checkpoints" });
    expect(pma.points).toHaveLength(20);
    expect(rollback.points[0]).toEqual([5100, 2.6]);
    // The restarts logged no grad norm: their lines are empty, the original's is clipped to the same range.
    expect(window.panels[1].lines.map((l) => l.points.length)).toEqual([41, 0, 0]);
  });

  it("without restart logs, looks as far after the fork as the original run goes", () => {
    const quiet = restartWindow(original, [{ ...restart("pma", "pma-init", 2), logs: {} }], ["loss"])!;
    expect(quiet).toMatchObject({ from: 2000, to: 8000 });
  });

  it("has nothing to show without a forked restart or without the series", () => {
    expect(restartWindow(original, [], ["loss"])).toBeNull();
    expect(restartWindow(original, [{ ...restart("x", "rollback", 1), forkTokens: null }], ["loss"])).toBeNull();
    expect(restartWindow({ ...original, logs: {} }, [restart("pma", "pma-init", 2)], ["eval_loss"])).toBeNull();
  });

  it("uses logged tokens over step × tokens per step", () => {
    const logged = { ...original, logs: { loss: [{ step: 1, tokens: 4500, value: 3 }] } };
    expect(restartWindow(logged, [restart("pma", "pma-init", 2)], ["loss"])!.panels[0].lines[0].points).toEqual([[4500, 3]]);
  });
});

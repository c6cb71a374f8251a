import { describe, expect, it } from "vitest";
import { formatSchedule, parseScheduleText, phaseFromLrLog, phaseFromSchedule, valueAtStep } from "../../../lib/checkpoints/schedule";

describe("declared schedules", () => {
  it("parses and formats phase boundaries", () => {
    const schedule = parseScheduleText("warmup:100,stable:1000,decay:1200");
    expect(schedule).toEqual({ warmupEnd: 100, stableEnd: 1000, decayEnd: 1200 });
    expect(formatSchedule(schedule)).toBe("warmup:100,stable:1000,decay:1200");
    expect(parseScheduleText("warmup:10,stable:20")).toEqual({ warmupEnd: 10, stableEnd: 20 });
  });

  it.each(["warmup:10", "warmup:50,stable:10", "warmup:1,stable:2,decay:1", "warmup:x,stable:2", "warmup:1,stable:2,cooldown:3", "warmup:1:2,stable:3"])(
    "refuses %s",
    (text) => {
      expect(() => parseScheduleText(text)).toThrow(expect.objectContaining({ code: "schedule_invalid" }));
    },
  );

  it("assigns phases from boundaries", () => {
    const schedule = { warmupEnd: 100, stableEnd: 1000 };
    expect([0, 99, 100, 1000, 1001].map((step) => phaseFromSchedule(step, schedule))).toEqual(["warmup", "warmup", "stable", "stable", "decay"]);
  });
});

describe("phases read off a logged LR", () => {
  const log = [
    { step: 0, value: 0 },
    { step: 10, value: 5e-4 },
    { step: 20, value: 1e-3 },
    { step: 30, value: 1e-3 },
    { step: 40, value: 0.9995e-3 },
    { step: 50, value: 5e-4 },
  ];
  it("warmup before the peak, stable at it, decay after", () => {
    expect([5, 20, 40, 45, 50].map((step) => phaseFromLrLog(step, log))).toEqual(["warmup", "stable", "stable", "decay", "decay"]);
    expect(phaseFromLrLog(10, [])).toBeNull();
  });
  it("takes the value at the largest logged step not after the checkpoint", () => {
    expect(valueAtStep(log, 25)).toBe(1e-3);
    expect(valueAtStep(log, -1)).toBeNull();
  });
});

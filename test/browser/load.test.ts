import { beforeAll, describe, expect, it } from "vitest";
import { loadPassed, renderLoadFigures, runLoad } from "../../scripts/bench/load/run";
import { buildIfStale } from "./support";

/** The load benchmark's short variant (`npm run bench:load` runs the full minute): a real server, real HTTP. */
describe("load: 16 simulated workers stream metrics while the UI is read", () => {
  beforeAll(() => buildIfStale());

  it("stores exactly every row, shows no client a lock error, and keeps serving pages", async () => {
    const figures = await runLoad({ workers: 16, seconds: 10, batchSize: 100, idleSeconds: 3 });
    console.log(renderLoadFigures(figures));
    expect(figures.rows).toBe(16 * 10 * 100);
    expect(figures.otherClientErrors).toEqual([]);
    expect(figures.lockErrorsSeenByClients).toBe(0);
    expect(loadPassed(figures)).toBe(true);
  }, 120_000);
});

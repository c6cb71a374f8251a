import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runScienceCheck } from "../../../lib/lab/check";
import { STATUS, type LabStatus } from "../../../lib/lab/lab";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";
import { copyCiLab } from "../../helpers/ci-lab";

/**
 * The reference lab at `ci` scale, end to end: real runs in child processes (trained once per version of the lab's
 * sources and shared with the other tests that need lab data: ~2–2.5 min on 2 cores), then the science check
 * (~40 s of evaluation). Every number is deterministic, so a failure here means the code changed the science, not
 * bad luck.
 */
describe("the ci-scale lab reproduces the paper's qualitative findings", () => {
  it("trains, then passes the science check", async () => {
    const dir = `${makeTempDir("pma-lab-science-")}/lab`;
    const started = Date.now();
    await copyCiLab(dir);
    const trained = (Date.now() - started) / 1000;
    const status = JSON.parse(fs.readFileSync(path.join(dir, STATUS), "utf8")) as LabStatus;
    expect(status.complete).toBe(true);
    expect(status.restarts).not.toBeNull();

    const report = await runScienceCheck(dir);
    console.info(`ci lab: trained (or copied from the cache) in ${trained.toFixed(0)} s, checked in ${report.seconds.toFixed(0)} s (${report.evaluations} evaluations)`);
    for (const a of report.assertions) console.info(`${a.passed ? "ok  " : "FAIL"} ${a.name}: ${a.detail}`);

    expect(report.stable.points.length).toBeGreaterThanOrEqual(10);
    for (const n of [4, 6, 8]) expect(report.stable.winRate[n]).toBeGreaterThanOrEqual(0.9);
    expect(report.branches).toHaveLength(3);
    for (const b of report.branches) expect(b.latest - b.merged).toBeGreaterThanOrEqual(0.5 * (b.latest - b.annealed));
    expect(report.ranking.byMergedAtFork).toEqual(report.ranking.byAnnealed);
    expect(report.passed).toBe(true);
  }, 600_000);
});

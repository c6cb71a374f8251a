import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli";
import { makeInputs, removeTempDirs, tempRoot } from "./execute-fixtures";

describe("pma-lab merge / bench merge", () => {
  afterAll(removeTempDirs);

  it("merges with a scheme and prints the result as JSON", async () => {
    const { root, dirs } = await makeInputs(3);
    const env = { PMA_LAB_DATA_DIR: join(root, "data") };
    const out = join(root, "ema");
    const r = runCli(["merge", "--out", out, "--scheme", "ema", "--alpha", "0.5", "--threads", "2", "--json", ...dirs], env);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(["bytesRead", "bytesWritten", "out", "seconds", "sha256", "weights"]);
    expect(body.weights).toEqual([0.25, 0.25, 0.5]); // recursive EMA, α = 0.5, N = 3
    expect(body.out).toBe(out);
    expect(JSON.parse(readFileSync(join(out, "pma-merge.json"), "utf8")).output.sha256).toBe(body.sha256);

    const again = runCli(["merge", "--out", out, "--json", ...dirs], env);
    expect(again.status).toBe(1);
    expect(again.json().error.code).toBe("merge_output_exists");
    const bad = runCli(["merge", "--out", join(root, "x"), "--scheme", "custom", "--json", ...dirs], env);
    expect(bad.status).toBe(1);
    expect(bad.json().error.code).toBe("invalid_arguments");
  });

  it("runs the benchmark end to end on tiny checkpoints", () => {
    const dir = tempRoot("pma-bench-");
    const r = runCli(["bench", "merge", "--checkpoints", "2", "--size-mib", "2", "--dir", dir, "--out-dir", join(dir, "out"), "--json"], {}, 120_000);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(report.phases.sweep.outputs).toBe(4);
    expect(report.phases.sequential.outputs).toBe(4);
    expect(report.targets.sweepReadsOnce).toBe(true);
    expect(report.phases.merge.maxRssBytes).toBeGreaterThan(0);
  }, 120_000);
});

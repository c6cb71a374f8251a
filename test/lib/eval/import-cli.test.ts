import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { llamaTensorSpecs, makeTempDir, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { runCli } from "../../helpers/cli";
import { FIXTURES } from "./helpers";

describe("pma-lab import", () => {
  it("imports lm-eval output directories and CSVs onto registered checkpoints, once", async () => {
    const base = makeTempDir("pma-import-cli-");
    const dataDir = path.join(base, "data");
    const runDir = path.join(base, "ckpt");
    await writeCheckpoint(path.join(runDir, "step-500"), { tensors: llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 }) });
    const env = { PMA_LAB_DATA_DIR: dataDir, PMA_LAB_ROOTS: runDir };
    expect(runCli(["scan", runDir, "--run", "base"], env).status).toBe(0);

    const harnessDir = path.join(FIXTURES, "harness-output");
    const first = runCli(["import", "lm-eval", harnessDir, "--run", "base", "--step", "500", "--json"], env);
    expect(first.status).toBe(0);
    expect(first.json().imported[0]).toMatchObject({ duplicate: false, metrics: 13 });
    expect(first.json().imported[0].file).toMatch(/results_2026-04-29T08-20-36\.619114\.json$/);
    const again = runCli(["import", "lm-eval", harnessDir, "--checkpoint", path.join(runDir, "step-500")], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("0 evaluation(s) imported, 1 already there");

    const csv = path.join(base, "scores.csv");
    // One good row and one for a step that was never registered: refused as a whole, with its line.
    fs.writeFileSync(csv, "run,step,metric,value,stderr\nbase,500,arc_easy/acc,0.61,0.01\nbase,7,arc_easy/acc,0.5,\n");
    const refused = runCli(["import", "csv", csv, "--json"], env);
    expect(refused.status).toBe(1);
    expect(refused.json().error.code).toBe("eval_import_refused");
    expect(refused.stderr).toContain("line 3: run \"base\" has no checkpoint at step 7");
  });
});

import path from "node:path";
import { describe, expect, it } from "vitest";
import { findRunByName } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { parseConfig } from "../../../lib/env";
import { describeRunLineage } from "../../../lib/init/view";
import { checkpointDirName } from "../../../lib/lab/checkpoint-io";
import { labRegistrationRequest } from "../../../lib/lab/register-runs";
import { planLab, planRestarts, registrationRequest } from "../../../lib/lab/runs";
import { LAB_SCALES } from "../../../lib/lab/scales";
import { llamaTensorSpecs, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { tempDataDir } from "../jobs/helpers";

describe("the lab's PMA-init restart", () => {
  it("is registered with the recipe of the pre-spike average it started from", async () => {
    const { db, dataDir } = tempDataDir("pma-lab-init-");
    const config = parseConfig({ PMA_LAB_DATA_DIR: dataDir });
    const lab = planLab(LAB_SCALES.tiny, path.join(dataDir, "lab", "tiny"));
    const unstable = lab.runs.find((run) => run.kind === "unstable")!;
    const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32, dtype: "F32" });
    const steps = [5, 10, 15, 20, 25, 30, 35, 40];
    for (const step of steps) await writeCheckpoint(path.join(unstable.plan.dir, checkpointDirName(step)), { tensors, seed: step });
    const log = Array.from({ length: 60 }, (_, i) => ({ step: i + 1, loss: i < 49 ? 2.5 : 4 }));
    const restarts = planRestarts(lab, log, steps)!;
    const pmaInit = restarts.runs.find((run) => run.kind === "pma-init")!;
    const rollback = restarts.runs.find((run) => run.kind === "rollback")!;

    // Before its inputs are registered there is nothing to point at: the plain request.
    expect(labRegistrationRequest(db, lab, pmaInit)).toEqual(registrationRequest(lab, pmaInit));
    await registerCheckpoints(db, config, registrationRequest(lab, unstable));

    const request = labRegistrationRequest(db, lab, pmaInit);
    expect(request).toMatchObject({ ...registrationRequest(lab, pmaInit), initFrom: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(labRegistrationRequest(db, lab, rollback)).toEqual(registrationRequest(lab, rollback));

    await writeCheckpoint(path.join(pmaInit.plan.dir, checkpointDirName(restarts.window.at(-1)! + 5)), { tensors, seed: 99 });
    await registerCheckpoints(db, config, request);
    const run = findRunByName(db, "lab-tiny/unstable-pma-init")!;
    expect(run.initRecipeHash).toBe((request as { initFrom: string }).initFrom);
    expect(describeRunLineage(db, run, dataDir)).toMatchObject({ scheme: "SMA", k: restarts.window.length, source: { name: "lab-tiny/unstable" }, steps: restarts.window, path: null });
  });
});

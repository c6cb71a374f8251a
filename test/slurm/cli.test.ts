import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { slurmSettingsFromForm } from "../../lib/slurm/form";
import { runCli } from "../helpers/cli";
import { tempDataDir } from "../lib/jobs/helpers";
import { M, seedRun } from "../lib/sweeps/helpers";

const grid = ["--run", "main", "--points", "6M", "--n", "2,3", "--interval", "1M", "--schemes", "sma", "--json"];

describe("pma-lab slurm and sweep create --executor slurm", () => {
  it("refuses to send anything to Slurm before slurm.json exists, storing nothing", () => {
    const { db, dataDir } = tempDataDir("pma-slurm-cli-");
    seedRun(db, "main", { every: M, count: 6 });
    db.$client.close();
    const env = { PMA_LAB_DATA_DIR: dataDir };
    const submitter = runCli(["slurm", "submitter", "--once", "--json"], env);
    expect(submitter.status).toBe(1);
    expect(submitter.json().error).toMatchObject({ code: "slurm_not_configured", message: expect.stringContaining(path.join(dataDir, "slurm.json")) });
    const sweep = runCli(["sweep", "create", ...grid, "--executor", "slurm"], env);
    expect(sweep.json().error.code).toBe("slurm_not_configured");
    expect(runCli(["sweep", "list", "--json"], env).json().sweeps).toEqual([]);
    const mixed = runCli(["sweep", "create", ...grid, "--partition", "gpu"], env);
    expect(mixed.json().error).toMatchObject({ code: "invalid_arguments", message: expect.stringContaining("--executor slurm") });
  });

  it("a sweep on Slurm: its jobs wait for the submitter, no worker takes them, and bad settings are named", () => {
    const { db, dataDir } = tempDataDir("pma-slurm-cli-");
    seedRun(db, "main", { every: M, count: 6 });
    db.$client.close();
    fs.writeFileSync(path.join(dataDir, "slurm.json"), JSON.stringify({ server: "http://127.0.0.1:9" }));
    const env = { PMA_LAB_DATA_DIR: dataDir };
    const bad = runCli(["sweep", "create", ...grid, "--executor", "slurm", "--time", "soon"], env);
    expect(bad.json().error).toMatchObject({ code: "sweep_request_invalid", message: expect.stringContaining("slurm.time") });
    const created = runCli(["sweep", "create", ...grid, "--executor", "slurm", "--partition", "gpu", "--time", "2:00:00", "--sbatch", "--constraint=a100"], env).json();
    const [job] = created.estimate.jobs;
    const shown = runCli(["slurm", "show", String(job), "--json"], env).json();
    expect(shown).toEqual({ target: { partition: "gpu", timeMinutes: 120, extra: ["--constraint=a100"] }, tasks: [] });
    expect(runCli(["slurm", "show", String(job)], env).stdout).toMatch(/waits for the submitter/);
    // A local worker finds nothing to do.
    const worker = runCli(["worker", "--exit-when-idle", "--json"], env);
    expect(worker.json()).toMatchObject({ claimed: 0 });
    // New settings apply to what has not gone out yet.
    const moved = runCli(["slurm", "target", "--sweep", String(created.id), "--qos", "high", "--json"], env).json();
    expect(moved.jobs).toEqual([job]);
    expect(runCli(["slurm", "show", String(job), "--json"], env).json().target).toEqual({ qos: "high" });
  });

  it("the launcher's form fields: blanks left to slurm.json, extra options one per line", () => {
    expect(slurmSettingsFromForm({ partition: " gpu ", account: "", time: "1:00:00", cpus: "8", gpus: "", sbatch: "--constraint=a100\n\n --exclusive " })).toEqual({
      partition: "gpu",
      time: "1:00:00",
      cpus: 8,
      extra: ["--constraint=a100", "--exclusive"],
    });
  });
});

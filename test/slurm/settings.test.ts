import { describe, expect, it } from "vitest";
import { parseSlurmConfig } from "../../lib/slurm/config";
import { describeSettings, formatMemory, formatSlurmTime, layerSettings, parseMemory, parseSlurmSettings, parseSlurmTime } from "../../lib/slurm/settings";

function errorOf(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected an error");
}

describe("Slurm settings", () => {
  it("reads Slurm's time and memory notations", () => {
    expect([parseSlurmTime("90"), parseSlurmTime("1:30"), parseSlurmTime("1:30:00"), parseSlurmTime("2-00"), parseSlurmTime("1-02:03:04")]).toEqual([90, 2, 90, 2880, 1564]);
    expect([formatSlurmTime(90), formatSlurmTime(1564), formatSlurmTime(1)]).toEqual(["01:30:00", "1-02:04:00", "00:01:00"]);
    expect([parseMemory("4096"), parseMemory("512M"), parseMemory("16G"), parseMemory("1.5g"), parseMemory("1T")]).toEqual([4096, 512, 16384, 1536, 1048576]);
    expect([formatMemory(16384), formatMemory(1536)]).toEqual(["16G", "1536M"]);
    expect(errorOf(() => parseSlurmTime("soon")).code).toBe("slurm_time_invalid");
    expect(errorOf(() => parseMemory("lots")).code).toBe("slurm_mem_invalid");
  });

  it("validates every field that ends up in a batch script, naming it", () => {
    expect(parseSlurmSettings({ partition: "gpu,gpu-long", account: "llm", qos: "high", time: "4:00:00", cpus: 8, mem: "64G", gpus: 2, gpuType: "a100", extra: ["--constraint=a100", "--exclusive"] })).toEqual({
      partition: "gpu,gpu-long",
      account: "llm",
      qos: "high",
      timeMinutes: 240,
      cpus: 8,
      memMiB: 65536,
      gpus: 2,
      gpuType: "a100",
      extra: ["--constraint=a100", "--exclusive"],
    });
    for (const [input, field] of [
      [{ partition: "gpu\n#SBATCH --uid=0" }, "partition"],
      [{ account: "a b" }, "account"],
      [{ extra: ["--comment='$(id)'"] }, "extra.0"],
      [{ extra: ["-w node1"] }, "extra.0"],
      [{ time: "forever" }, "time"],
      [{ cpus: 0 }, "cpus"],
      [{ nodes: 2 }, "settings"],
    ] as const) {
      const error = errorOf(() => parseSlurmSettings(input, "sweep"));
      expect(error.code).toBe("slurm_settings_invalid");
      expect(error.message).toMatch(new RegExp(`^sweep: ${field.replace(".", "\\.")}`));
    }
  });

  it("settings in a line for people", () => {
    expect(describeSettings({ partition: "gpu", cpus: 8, memMiB: 32768, gpus: 2, gpuType: "a100", timeMinutes: 100, extra: ["--exclusive"] })).toBe(
      "partition gpu · 8 CPUs · 32G memory · 2 a100 GPUs · time limit 01:40:00 · --exclusive",
    );
    expect(describeSettings({})).toBe("");
  });

  it("layers win field by field and extra options accumulate", () => {
    expect(layerSettings({ partition: "cpu", cpus: 4, extra: ["--exclusive"] }, undefined, { partition: "gpu", extra: ["--exclusive", "--constraint=a100"] })).toEqual({
      partition: "gpu",
      cpus: 4,
      extra: ["--exclusive", "--constraint=a100"],
    });
  });

  it("slurm.json: defaults filled in, errors name the file and field, the job name tags the data dir", () => {
    const config = parseSlurmConfig(JSON.stringify({ server: "http://10.0.0.5:3000/", kinds: { evaluate: { partition: "gpu", gpus: 1 } } }), "/etc/slurm.json", "/srv/pma");
    expect(config).toMatchObject({ server: "http://10.0.0.5:3000", command: ["pma-lab"], leaseSeconds: 60, pollMs: 10_000, maxArraySize: 1000, chdir: "/tmp", logDir: "/tmp", states: "auto" });
    expect(config.kinds.evaluate).toEqual({ partition: "gpu", gpus: 1 });
    expect(config.namePrefix).toMatch(/^pma-lab-[0-9a-f]{8}$/);
    expect(parseSlurmConfig(JSON.stringify({ server: "http://x:1" }), "f", "/other").namePrefix).not.toBe(config.namePrefix);
    expect(errorOf(() => parseSlurmConfig("{", "/etc/slurm.json", "/d")).message).toMatch(/^\/etc\/slurm\.json: not valid JSON/);
    expect(errorOf(() => parseSlurmConfig(JSON.stringify({}), "f", "/d")).message).toMatch(/^f: server:/);
    expect(errorOf(() => parseSlurmConfig(JSON.stringify({ server: "file:///etc/passwd" }), "f", "/d")).message).toMatch(/^f: server:/);
    expect(errorOf(() => parseSlurmConfig(JSON.stringify({ server: "http://x:1", env: { "BAD NAME": "1" } }), "f", "/d")).message).toMatch(/^f: env/);
    expect(errorOf(() => parseSlurmConfig(JSON.stringify({ server: "http://x:1", pathMap: ["relative=/x"] }), "f", "/d")).message).toMatch(/^f: pathMap:/);
    expect(errorOf(() => parseSlurmConfig(JSON.stringify({ server: "http://x:1", kinds: { "lab-train": {} } }), "f", "/d")).code).toBe("slurm_config_invalid");
  });
});

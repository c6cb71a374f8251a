import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { SbatchRequest } from "../../db/schema";
import { describeSubmission, planSubmissions } from "../../lib/slurm/plan";
import { estimateRequest, resolveRequest } from "../../lib/slurm/resources";
import { renderBatchScript, shellQuote, type ScriptInput } from "../../lib/slurm/script";

const request: SbatchRequest = { partition: "gpu", account: "llm", qos: "high", timeMinutes: 100, cpus: 8, memMiB: 32768, gpus: 1, gpuType: "a100", extra: ["--constraint=nvlink"] };

function input(jobIds: number[], overrides: Partial<ScriptInput> = {}): ScriptInput {
  return {
    submissionId: 7,
    name: "pma-lab-0123abcd-s7",
    request,
    jobIds,
    description: describeSubmission({ kind: "evaluate", sweepId: 3, jobIds }),
    server: "http://10.0.0.5:3000",
    command: ["/opt/pma lab/bin/pma-lab"],
    pathMap: ["/srv/ckpt=/lustre/ckpt"],
    env: { PMA_LAB_ROOTS: "/lustre/ckpt", HF_HOME: "/data/it's here" },
    chdir: "/scratch",
    logDir: "/scratch/logs/",
    leaseSeconds: 60,
    maxParallel: 4,
    ...overrides,
  };
}

describe("batch scripts", () => {
  it("an array: every request as #SBATCH lines, one pma-lab worker --job per task, quoted for bash", () => {
    const script = renderBatchScript(input([40, 41, 42]));
    expect(script.split("\n").filter((line) => line.startsWith("#SBATCH"))).toEqual([
      "#SBATCH --job-name=pma-lab-0123abcd-s7",
      "#SBATCH --partition=gpu",
      "#SBATCH --account=llm",
      "#SBATCH --qos=high",
      "#SBATCH --time=01:40:00",
      "#SBATCH --nodes=1",
      "#SBATCH --ntasks=1",
      "#SBATCH --cpus-per-task=8",
      "#SBATCH --mem=32G",
      "#SBATCH --gres=gpu:a100:1",
      "#SBATCH --array=0-2%4",
      "#SBATCH --no-requeue",
      "#SBATCH --chdir=/scratch",
      "#SBATCH --output=/scratch/logs/%x-%A_%a.out",
      "#SBATCH --constraint=nvlink",
    ]);
    expect(script).toContain("# PMA Lab submission #7: sweep #3: 3 evaluate jobs (#40–#42).");
    expect(script).toContain("export HF_HOME='/data/it'\\''s here'");
    expect(script).toContain("JOBS=(40 41 42)");
    expect(script).toContain(`exec '/opt/pma lab/bin/pma-lab' worker --server http://10.0.0.5:3000 --lease-seconds 60 --path-map /srv/ckpt=/lustre/ckpt --name "slurm:\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}" --job "\${JOBS[\${SLURM_ARRAY_TASK_ID}]}"`);
    expect(script).not.toMatch(/TOKEN=/);
    // bash accepts it as it is.
    expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
  });

  it("a single job is a plain job; no GPU, no gres", () => {
    const script = renderBatchScript(input([9], { request: { timeMinutes: 10, cpus: 1, memMiB: 1536, gpus: 0, extra: [] }, maxParallel: undefined }));
    expect(script).not.toMatch(/--array|--gres|--partition/);
    expect(script).toContain("#SBATCH --mem=1536M");
    expect(script).toContain("#SBATCH --output=/scratch/logs/%x-%j.out");
    expect(script).toMatch(/--name "slurm:\$\{SLURM_JOB_ID\}" --job 9\n$/);
  });

  it("shell quoting round-trips through bash", () => {
    for (const word of ["plain", "with space", "it's", "$(id)", "`id`", "a\\b", ""]) {
      expect(spawnSync("bash", ["-c", `printf %s ${shellQuote(word)}`], { encoding: "utf8" }).stdout).toBe(word);
    }
  });
});

describe("what goes out together", () => {
  const item = (jobId: number, sweepId: number | null, kind = "sweep-pass", gpus = 0) => ({ jobId, kind, sweepId, request: { ...request, gpus } });

  it("one array per sweep, kind and request; jobs outside sweeps alone; arrays cut at the maximum", () => {
    const plans = planSubmissions([item(1, 3), item(2, 3), item(3, 3, "evaluate", 1), item(4, 3), item(5, null), item(6, 4), item(7, 3), item(8, null)], 3);
    expect(plans.map((plan) => [plan.kind, plan.sweepId, plan.jobIds])).toEqual([
      ["sweep-pass", 3, [1, 2, 4]],
      ["evaluate", 3, [3]],
      ["sweep-pass", null, [5]],
      ["sweep-pass", 4, [6]],
      ["sweep-pass", 3, [7]],
      ["sweep-pass", null, [8]],
    ]);
    expect(describeSubmission({ kind: "noop", sweepId: null, jobIds: [1, 5, 9, 10, 11, 12, 13] })).toBe("7 noop jobs (#1, #5, #9, …, #13)");
  });
});

describe("resources from the job's estimate and the settings", () => {
  const GiB = 1024 ** 3;
  const pass = { kind: "sweep-pass", payload: { inputs: new Array(8).fill({}), outputs: new Array(16).fill({}) }, estimatedBytes: 16 * GiB };

  it("merges: 4 CPUs, 2 GiB + 32 MiB an output, time for reading and writing everything at 100 MB/s twice over", () => {
    // 16 outputs of 1 GiB from 8 inputs of 1 GiB: 24 GiB moved → 2 × 25.8 GB / 100 MB/s = 516 s → 9 min + 10.
    expect(estimateRequest(pass)).toEqual({ cpus: 4, memMiB: 2048 + 512, gpus: 0, timeMinutes: 19 });
  });

  it("evaluations: a GPU when the evaluator wants one, its own timeout plus 10 minutes", () => {
    const job = { kind: "evaluate", payload: {}, estimatedBytes: 0 };
    expect(estimateRequest(job, { gpu: true, timeoutSeconds: 7200 })).toEqual({ cpus: 8, memMiB: 32768, gpus: 1, timeMinutes: 130 });
    expect(estimateRequest(job, { gpu: false, timeoutSeconds: 600 })).toEqual({ cpus: 4, memMiB: 8192, gpus: 0, timeMinutes: 20 });
  });

  it("settings win over the estimate: defaults < kind < evaluator < the sweep's own", () => {
    const job = { kind: "evaluate", payload: {}, estimatedBytes: 0 };
    const resolved = resolveRequest(job, {
      defaults: { partition: "cpu", account: "llm", extra: ["--exclusive"] },
      kind: { partition: "gpu", memMiB: 65536 },
      evaluator: { gpu: true, timeoutSeconds: 3600, slurm: { gpus: 2, gpuType: "h100" } },
      target: { qos: "high", timeMinutes: 30 },
    });
    expect(resolved).toEqual({ partition: "gpu", account: "llm", qos: "high", timeMinutes: 30, cpus: 8, memMiB: 65536, gpus: 2, gpuType: "h100", extra: ["--exclusive"] });
    // A GPU type means nothing without GPUs.
    expect(resolveRequest({ kind: "noop", payload: {}, estimatedBytes: 0 }, { target: { gpuType: "h100" } })).toEqual({ timeMinutes: 10, cpus: 1, memMiB: 1024, gpus: 0, extra: [] });
  });
});

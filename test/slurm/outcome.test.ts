import { describe, expect, it } from "vitest";
import type { SbatchRequest } from "../../db/schema";
import { decideEnd, type EndedTask } from "../../lib/slurm/outcome";
import type { SlurmTaskState } from "../../lib/slurm/states";

const request: SbatchRequest = { timeMinutes: 90, cpus: 4, memMiB: 8192, gpus: 0, extra: [] };

function ended(state: string, extra: Partial<SlurmTaskState> = {}, task: Partial<EndedTask> = {}): EndedTask {
  return {
    slurmId: "77_3",
    state: { jobId: "77", arrayIndex: 3, state, cancelledBy: null, reason: null, exit: { code: 0, signal: 0 }, restarts: 0, ...extra },
    request,
    cancelRequested: false,
    ownerUid: 1000,
    ...task,
  };
}

describe("how a Slurm ending becomes a PMA Lab outcome", () => {
  it("out of memory and time limits fail at once, naming the limit to raise", () => {
    expect(decideEnd(ended("OUT_OF_MEMORY"))).toEqual({
      action: "fail",
      error: { code: "slurm_out_of_memory", permanent: true, message: expect.stringContaining("Slurm job 77_3 ran out of memory (--mem=8G)") },
    });
    const timeout = decideEnd(ended("TIMEOUT", { exit: { code: 0, signal: 15 } }));
    expect(timeout).toMatchObject({ action: "fail", error: { code: "slurm_timeout", permanent: true } });
    expect(JSON.stringify(timeout)).toContain("--time=01:30:00");
    expect(decideEnd(ended("DEADLINE"))).toMatchObject({ action: "fail", error: { code: "slurm_deadline" } });
  });

  it("node failures retry (an attempt used); preemption goes back without using one", () => {
    expect(decideEnd(ended("NODE_FAIL", { reason: "NodeDown" }))).toMatchObject({ action: "retry", error: { code: "slurm_node_fail", permanent: false, message: expect.stringContaining("NodeDown") } });
    expect(decideEnd(ended("BOOT_FAIL"))).toMatchObject({ action: "retry", error: { code: "slurm_node_fail" } });
    expect(decideEnd(ended("PREEMPTED"))).toMatchObject({ action: "release" });
  });

  it("cancels: PMA Lab's own changes nothing, the owner's cancels the job, anyone else's fails it", () => {
    expect(decideEnd(ended("CANCELLED", {}, { cancelRequested: true }))).toMatchObject({ action: "none" });
    expect(decideEnd(ended("CANCELLED", { cancelledBy: 1000 }))).toMatchObject({ action: "cancel", message: expect.stringContaining("its owner (uid 1000)") });
    expect(decideEnd(ended("CANCELLED", { cancelledBy: 0 }))).toMatchObject({ action: "fail", error: { code: "slurm_cancelled", permanent: true, message: expect.stringContaining("by uid 0") } });
    // Without accounting Slurm does not say who cancelled: not the owner for sure, so it fails for a person to look.
    expect(decideEnd(ended("CANCELLED"))).toMatchObject({ action: "fail", error: { message: expect.stringContaining("outside PMA Lab") } });
  });

  it("failures by exit code: a missing command is permanent, crashes and signals retry", () => {
    expect(decideEnd(ended("FAILED", { exit: { code: 127, signal: 0 } }))).toMatchObject({ action: "fail", error: { code: "slurm_command_failed", permanent: true } });
    expect(decideEnd(ended("FAILED", { exit: { code: 126, signal: 0 } }))).toMatchObject({ action: "fail", error: { code: "slurm_command_failed" } });
    expect(decideEnd(ended("FAILED", { exit: { code: 0, signal: 9 } }))).toMatchObject({ action: "retry", error: { code: "slurm_failed", message: expect.stringContaining("killed by signal 9") } });
    expect(decideEnd(ended("FAILED", { exit: { code: 137, signal: 0 } }))).toMatchObject({ action: "retry", error: { message: expect.stringContaining("killed by signal 9") } });
    expect(decideEnd(ended("FAILED", { exit: { code: 2, signal: 0 } }))).toMatchObject({ action: "retry", error: { message: expect.stringContaining("exited with code 2") } });
  });

  it("a task that completed without its worker reporting, or ended some other way, retries", () => {
    expect(decideEnd(ended("COMPLETED"))).toMatchObject({ action: "retry", error: { code: "slurm_worker_silent" } });
    expect(decideEnd(ended("REVOKED"))).toMatchObject({ action: "retry", error: { code: "slurm_ended", message: expect.stringContaining("REVOKED") } });
  });
});

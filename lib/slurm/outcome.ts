import type { JobError, SbatchRequest } from "../../db/schema";
import { formatMemory, formatSlurmTime } from "./settings";
import type { SlurmTaskState } from "./states";

/**
 * How a Slurm ending becomes a PMA Lab outcome (pure). It matters only when the worker inside could not report
 * the attempt itself — killed for memory or time, its node gone, preempted, cancelled under it — or never got to
 * claim the job. The submitter applies it under the attempt's lease, so a worker that did report wins.
 *
 * | Slurm                         | PMA Lab                                                    |
 * |-------------------------------|------------------------------------------------------------|
 * | COMPLETED                     | retry (the worker exited without reporting)                |
 * | FAILED, exit 126/127          | fail: the configured pma-lab command cannot run on the node |
 * | FAILED, other exit or signal  | retry: counts an attempt, backs off                         |
 * | OUT_OF_MEMORY                 | fail: the same --mem would run out again                    |
 * | TIMEOUT, DEADLINE             | fail: the same --time would run out again                   |
 * | NODE_FAIL, BOOT_FAIL          | retry: the node's fault, not the job's                      |
 * | PREEMPTED                     | release: back in the queue, no attempt used                 |
 * | CANCELLED by PMA Lab          | nothing: the job was cancelled here first                   |
 * | CANCELLED by its owner        | cancel the job (someone ran scancel on it)                  |
 * | CANCELLED by anyone else      | fail: an administrator stopped it; retry it by hand         |
 * | anything else                 | retry                                                       |
 */

export type SlurmDecision =
  | { action: "none"; message: string }
  | { action: "retry" | "fail"; error: JobError }
  | { action: "release" | "cancel"; message: string };

export interface EndedTask {
  /** "123" or "123_4". */
  slurmId: string;
  state: SlurmTaskState;
  request: SbatchRequest;
  /** PMA Lab asked scancel for this task (the job was cancelled here). */
  cancelRequested: boolean;
  /** The uid the submitter runs as: a cancel by this uid is the owner's own. */
  ownerUid: number | null;
}

const error = (code: string, message: string, permanent: boolean): JobError => ({ code, message, permanent });

export function decideEnd(task: EndedTask): SlurmDecision {
  const { slurmId, state, request } = task;
  const exit = state.exit;
  const where = `Slurm job ${slurmId}`;
  switch (state.state) {
    case "COMPLETED":
      return { action: "retry", error: error("slurm_worker_silent", `${where} ended without its worker reporting the job`, false) };
    case "OUT_OF_MEMORY":
      return {
        action: "fail",
        error: error("slurm_out_of_memory", `${where} ran out of memory (--mem=${formatMemory(request.memMiB)}); raise "mem" for this kind in slurm.json or the sweep's --mem, then retry`, true),
      };
    case "TIMEOUT":
      return {
        action: "fail",
        error: error("slurm_timeout", `${where} reached its time limit (--time=${formatSlurmTime(request.timeMinutes)}); raise "time" in slurm.json or the sweep's --time, then retry`, true),
      };
    case "DEADLINE":
      return { action: "fail", error: error("slurm_deadline", `${where} passed its deadline before it could finish`, true) };
    case "NODE_FAIL":
    case "BOOT_FAIL":
      return { action: "retry", error: error("slurm_node_fail", `${where} lost its node (${state.state}${state.reason ? `, ${state.reason}` : ""}); retrying`, false) };
    case "PREEMPTED":
      return { action: "release", message: `${where} was preempted; back in the queue without using an attempt` };
    case "CANCELLED":
      return decideCancel(task, where);
    case "FAILED":
      return decideFailed(exit, where);
    default:
      return { action: "retry", error: error("slurm_ended", `${where} ended ${state.state}${state.reason ? ` (${state.reason})` : ""}`, false) };
  }
}

function decideCancel(task: EndedTask, where: string): SlurmDecision {
  if (task.cancelRequested) return { action: "none", message: `${where} cancelled by PMA Lab (the job was cancelled)` };
  const by = task.state.cancelledBy;
  if (by !== null && by === task.ownerUid) return { action: "cancel", message: `${where} was cancelled in Slurm by its owner (uid ${by}); the job is cancelled too` };
  const who = by === null ? "outside PMA Lab" : `by uid ${by}`;
  return { action: "fail", error: error("slurm_cancelled", `${where} was cancelled in Slurm ${who}; retry the job when the cluster is ready for it`, true) };
}

function decideFailed(exit: SlurmTaskState["exit"], where: string): SlurmDecision {
  if (exit && exit.signal === 0 && (exit.code === 126 || exit.code === 127)) {
    return {
      action: "fail",
      error: error("slurm_command_failed", `${where} could not run pma-lab on the node (exit ${exit.code}); check "command" in slurm.json`, true),
    };
  }
  const signal = exit?.signal ? exit.signal : exit && exit.code > 128 ? exit.code - 128 : 0;
  const how = signal ? `was killed by signal ${signal}` : exit ? `exited with code ${exit.code}` : "failed";
  return { action: "retry", error: error("slurm_failed", `${where} ${how} before its worker reported the job`, false) };
}

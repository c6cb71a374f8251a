import { describe, expect, it } from "vitest";
import { isTerminalState, parseArrayIndices, parseExitCode, parseKeyValues, parseSacct, parseScontrolJobs, parseState, slurmTaskId } from "../../lib/slurm/states";

// Lines as Slurm 22.05's `scontrol show job --oneliner` prints them (trimmed of fields the parser ignores).
const ARRAY = [
  "JobId=1 ArrayJobId=1 ArrayTaskId=2 JobName=a.sh UserId=root(0) JobState=RUNNING Reason=None Requeue=1 Restarts=0 BatchFlag=1 ExitCode=0:0 RunTime=00:00:02 TimeLimit=UNLIMITED Command=/tmp/slurm exp/a.sh WorkDir=/tmp/slurmexp",
  "JobId=5 ArrayJobId=1 ArrayTaskId=1 JobName=a.sh UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Requeue=1 Restarts=0 ExitCode=3:0 TRES=cpu=1,mem=22900M,node=1,billing=1 Socks/Node=* NtasksPerN:B:S:C=0:0:*:*",
  "JobId=4 ArrayJobId=1 ArrayTaskId=0 JobName=a.sh UserId=root(0) JobState=COMPLETED Reason=None Restarts=0 ExitCode=0:0",
  "JobId=7 ArrayJobId=1 ArrayTaskId=3-5%2 JobName=a.sh JobState=PENDING Reason=JobArrayTaskLimit Restarts=0 ExitCode=0:0",
].join("\n");

describe("Slurm output parsers", () => {
  it("reads scontrol's one-liners: array tasks by index, collapsed pending ranges expanded, values with spaces", () => {
    const states = parseScontrolJobs(ARRAY);
    expect(states.map((s) => [s.jobId, s.arrayIndex, s.state])).toEqual([
      ["1", 2, "RUNNING"],
      ["1", 1, "FAILED"],
      ["1", 0, "COMPLETED"],
      ["1", 3, "PENDING"],
      ["1", 4, "PENDING"],
      ["1", 5, "PENDING"],
    ]);
    expect(states[1]).toMatchObject({ reason: "NonZeroExitCode", exit: { code: 3, signal: 0 }, restarts: 0, cancelledBy: null });
    expect(states[0].reason).toBeNull();
    expect(parseKeyValues(ARRAY.split("\n")[0]).get("Command")).toBe("/tmp/slurm exp/a.sh");
  });

  it("reads a plain job, a timeout and a signal", () => {
    const [timeout] = parseScontrolJobs("JobId=2 JobName=b.sh JobState=TIMEOUT Reason=TimeLimit Requeue=0 Restarts=0 BatchFlag=1 ExitCode=0:15 RunTime=00:01:16");
    expect(timeout).toEqual({ jobId: "2", arrayIndex: null, state: "TIMEOUT", cancelledBy: null, reason: "TimeLimit", exit: { code: 0, signal: 15 }, restarts: 0 });
    expect(parseScontrolJobs("slurm_load_jobs error: Invalid job id specified\n")).toEqual([]);
  });

  it("reads sacct's parsable rows, skipping job steps, with who cancelled", () => {
    const states = parseSacct(["12|COMPLETED|0:0", "12.batch|COMPLETED|0:0", "13_0|OUT_OF_MEMORY|0:125", "13_[1-2]|PENDING|0:0", "14|CANCELLED by 1000|0:0", "15|NODE_FAIL|0:0", ""].join("\n"));
    expect(states.map((s) => [s.jobId, s.arrayIndex, s.state, s.cancelledBy])).toEqual([
      ["12", null, "COMPLETED", null],
      ["13", 0, "OUT_OF_MEMORY", null],
      ["13", 1, "PENDING", null],
      ["13", 2, "PENDING", null],
      ["14", null, "CANCELLED", 1000],
      ["15", null, "NODE_FAIL", null],
    ]);
  });

  it("small pieces: indices, exit codes, states, task ids", () => {
    expect(parseArrayIndices("0-3,7,10-14:2%4")).toEqual([0, 1, 2, 3, 7, 10, 12, 14]);
    expect(parseArrayIndices("[5-6]")).toEqual([5, 6]);
    expect(parseExitCode("0:9")).toEqual({ code: 0, signal: 9 });
    expect(parseExitCode("")).toBeNull();
    expect(parseState("CANCELLED+")).toEqual({ state: "CANCELLED", cancelledBy: null });
    expect(["PENDING", "RUNNING", "COMPLETING", "REQUEUED"].some(isTerminalState)).toBe(false);
    expect(["COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "CANCELLED"].every(isTerminalState)).toBe(true);
    expect(slurmTaskId({ slurmJobId: "40" }, { arrayIndex: null })).toBe("40");
    expect(slurmTaskId({ slurmJobId: "40" }, { arrayIndex: 3 })).toBe("40_3");
  });
});

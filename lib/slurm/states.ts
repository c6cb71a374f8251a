/**
 * Parsers for what Slurm's client commands print (pure): `scontrol show job --oneliner` and
 * `sacct --parsable2 --noheader --allocations --format=JobID,State,ExitCode`. Both come down to one record per
 * task: its state, why, and how it exited.
 */

export interface SlurmTaskState {
  /** The job's id, or the array's for an array task. */
  jobId: string;
  /** SLURM_ARRAY_TASK_ID; null for a plain job. */
  arrayIndex: number | null;
  /** Base state: PENDING, RUNNING, COMPLETED, FAILED, OUT_OF_MEMORY, TIMEOUT, NODE_FAIL, PREEMPTED, CANCELLED… */
  state: string;
  /** sacct's "CANCELLED by <uid>". */
  cancelledBy: number | null;
  reason: string | null;
  /** The batch script's exit: code, and the signal that ended it (0 for none). */
  exit: { code: number; signal: number } | null;
  restarts: number;
}

/** States after which Slurm will not run the task again (with --no-requeue). */
const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "REVOKED", "SPECIAL_EXIT"]);

export function isTerminalState(state: string): boolean {
  return TERMINAL.has(state);
}

/** "3", "3-9", "1,4-6%2" → [3], [3..9], [1,4,5,6]. The `%K` throttle is dropped. */
export function parseArrayIndices(text: string): number[] {
  const body = text.replace(/^\[|\]$/g, "").replace(/%\d+$/, "");
  const indices: number[] = [];
  for (const part of body.split(",")) {
    const range = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!range) continue;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    const step = range[3] === undefined ? 1 : Math.max(1, Number(range[3]));
    for (let i = from; i <= to && indices.length < 1_000_000; i += step) indices.push(i);
  }
  return indices;
}

/** "0:9" → {code 0, signal 9}. */
export function parseExitCode(text: string | undefined): { code: number; signal: number } | null {
  const match = /^(\d+):(\d+)$/.exec(text?.trim() ?? "");
  return match ? { code: Number(match[1]), signal: Number(match[2]) } : null;
}

/** "CANCELLED by 1000" → state CANCELLED, uid 1000; "PENDING" → as is. */
export function parseState(text: string): { state: string; cancelledBy: number | null } {
  const match = /^([A-Z_]+)(?:\+)?(?:\s+by\s+(\d+))?/.exec(text.trim());
  if (!match) return { state: text.trim().toUpperCase() || "UNKNOWN", cancelledBy: null };
  return { state: match[1], cancelledBy: match[2] === undefined ? null : Number(match[2]) };
}

/** `Key=Value Key=Value …`; values may hold spaces (Command=, WorkDir=), keys may hold '/' and ':'. */
export function parseKeyValues(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  const keys = [...line.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=/g)];
  keys.forEach((match, i) => {
    const start = match.index + match[0].length;
    const end = i + 1 < keys.length ? keys[i + 1].index : line.length;
    fields.set(match[1], line.slice(start, end).trim());
  });
  return fields;
}

/** `scontrol show job --oneliner [ID]`: one line per job or array task; pending tasks may share one line. */
export function parseScontrolJobs(text: string): SlurmTaskState[] {
  const states: SlurmTaskState[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes("JobId=")) continue;
    const fields = parseKeyValues(line);
    const { state, cancelledBy } = parseState(fields.get("JobState") ?? "UNKNOWN");
    const arrayJobId = fields.get("ArrayJobId");
    const base = {
      state,
      cancelledBy,
      reason: nullIfNone(fields.get("Reason")),
      exit: parseExitCode(fields.get("ExitCode")),
      restarts: Number(fields.get("Restarts") ?? 0) || 0,
    };
    if (arrayJobId && fields.has("ArrayTaskId")) {
      for (const index of parseArrayIndices(fields.get("ArrayTaskId")!)) states.push({ jobId: arrayJobId, arrayIndex: index, ...base });
    } else {
      states.push({ jobId: fields.get("JobId") ?? "", arrayIndex: null, ...base });
    }
  }
  return states;
}

/** `sacct -P -n -X --format=JobID,State,ExitCode`: "123", "123_4", "123_[5-9%2]" with their states. */
export function parseSacct(text: string): SlurmTaskState[] {
  const states: SlurmTaskState[] = [];
  for (const line of text.split("\n")) {
    const [id, stateText, exitText] = line.split("|");
    if (!id || stateText === undefined) continue;
    const match = /^(\d+)(?:_(\[[^\]]*\]|\d+))?$/.exec(id.trim());
    if (!match) continue; // job steps (123.batch) and anything unexpected
    const { state, cancelledBy } = parseState(stateText);
    const base = { jobId: match[1], state, cancelledBy, reason: null, exit: parseExitCode(exitText), restarts: 0 };
    if (match[2] === undefined) states.push({ ...base, arrayIndex: null });
    else for (const index of parseArrayIndices(match[2])) states.push({ ...base, arrayIndex: index });
  }
  return states;
}

function nullIfNone(value: string | undefined): string | null {
  return value === undefined || value === "None" || value === "(null)" || value === "" ? null : value;
}

/** How Slurm names a task: "123" for a plain job, "123_4" for an array task. */
export function slurmTaskId(submission: { slurmJobId: string | null }, task: { arrayIndex: number | null }): string {
  return task.arrayIndex === null ? `${submission.slurmJobId}` : `${submission.slurmJobId}_${task.arrayIndex}`;
}

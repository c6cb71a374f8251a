import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { PmaError } from "../errors";

/**
 * Runs one evaluator process: argv array, no shell; its own process group (detached), so a timeout or a cancel
 * kills the whole tree — lm-eval's dataloader workers and tokenizer pools included — and nothing keeps holding a
 * GPU after the job has ended. stdout and stderr go to one log file, capped; the last few KB stay in memory for
 * the error message.
 */
export interface ProcessRequest {
  argv: string[];
  cwd?: string;
  /** The base environment (the worker's). PMA_LAB_* variables — the worker token among them — are removed. */
  env: Record<string, string | undefined>;
  /** Added on top of `env` (from the evaluator's settings). */
  extraEnv?: Record<string, string>;
  /** CUDA_VISIBLE_DEVICES for the child: the pinned GPU(s), or null for none (set to the empty string). */
  gpu: string | null;
  timeoutMs: number;
  /** SIGTERM first; SIGKILL this long after. */
  killGraceMs?: number;
  logFile: string;
  maxLogBytes?: number;
  signal?: AbortSignal;
  /** Also called with each chunk written to the log (a worker forwards it into the job's visible log). */
  onOutput?: (text: string) => void;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  logBytes: number;
  logTruncated: boolean;
  /** The last few KB of the output, for error messages. */
  tail: string;
}

/** 16 MiB, like a job attempt's log: lm-eval's progress bars fit many times over, a runaway loop does not. */
export const MAX_PROCESS_LOG_BYTES = 16 * 1024 * 1024;
const TAIL_BYTES = 4096;
/** Once the program has exited, its pipes get this long to drain before we stop waiting. */
const DRAIN_MS = 2000;

export function childEnvironment(request: Pick<ProcessRequest, "env" | "extraEnv" | "gpu">): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.env)) if (value !== undefined && !key.startsWith("PMA_LAB_")) env[key] = value;
  Object.assign(env, request.extraEnv ?? {});
  env.CUDA_VISIBLE_DEVICES = request.gpu ?? "";
  return env;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the whole group is gone already.
  }
}

export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const maxLog = request.maxLogBytes ?? MAX_PROCESS_LOG_BYTES;
  fs.mkdirSync(path.dirname(request.logFile), { recursive: true });
  const log = fs.openSync(request.logFile, "a");
  let logBytes = 0;
  let truncated = false;
  let tail = Buffer.alloc(0);
  const decoder = new StringDecoder("utf8"); // chunks may split a multi-byte character
  const write = (chunk: Buffer): void => {
    tail = Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    if (truncated) return;
    const room = maxLog - logBytes;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, Math.max(0, room));
    if (part.length > 0) {
      fs.writeSync(log, part);
      if (request.onOutput) request.onOutput(decoder.write(part));
    }
    logBytes += part.length;
    if (part.length < chunk.length) {
      truncated = true;
      fs.writeSync(log, `\n[pma-lab: log truncated at ${maxLog} bytes; the process kept running]\n`);
    }
  };
  const env = childEnvironment(request);
  fs.writeSync(log, `[pma-lab] $ ${JSON.stringify(request.argv)}\n[pma-lab] CUDA_VISIBLE_DEVICES=${JSON.stringify(env.CUDA_VISIBLE_DEVICES)} timeout=${Math.round(request.timeoutMs / 1000)}s\n`);

  const started = Date.now();
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(request.argv[0], request.argv.slice(1), {
      cwd: request.cwd,
      env: env as NodeJS.ProcessEnv,
      detached: true,
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const stop = (): void => {
      killGroup(child.pid, "SIGTERM");
      killTimer ??= setTimeout(() => killGroup(child.pid, "SIGKILL"), request.killGraceMs ?? 10_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, request.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    request.signal?.addEventListener("abort", onAbort, { once: true });
    if (request.signal?.aborted) onAbort();

    child.stdout.on("data", write);
    child.stderr.on("data", write);
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      request.signal?.removeEventListener("abort", onAbort);
      const status = timedOut ? "timed out" : aborted ? "cancelled" : signal ? `killed by ${signal}` : `exit code ${exitCode}`;
      fs.writeSync(log, `\n[pma-lab] ${status} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      fs.closeSync(log);
      resolve({ exitCode, signal, timedOut, aborted, durationMs: Date.now() - started, logBytes, logTruncated: truncated, tail: tail.toString("utf8") });
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      fs.writeSync(log, `[pma-lab] could not start: ${error.message}\n`);
      fs.closeSync(log);
      const program = JSON.stringify(request.argv[0]);
      if (error.code === "ENOENT") reject(new PmaError("eval_program_not_found", `${program} was not found (not installed, or not on the worker's PATH)`, { cause: error }));
      else if (error.code === "EACCES") reject(new PmaError("eval_program_not_executable", `${program} is not executable`, { cause: error }));
      else reject(new PmaError("eval_spawn_failed", `could not start ${program}: ${error.message}`, { cause: error }));
    });
    child.on("exit", (code, signal) => {
      // The leader is gone; anything it left behind in its group goes too (no stray GPU holders).
      killGroup(child.pid, "SIGKILL");
      const drained = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, DRAIN_MS);
      child.once("close", () => {
        clearTimeout(drained);
        finish(code, signal);
      });
    });
  });
}

/** Turns an unsuccessful run into the typed error a job reports: timeout, cancel, signal or exit code. */
export function assertProcessSucceeded(result: ProcessResult, label: string, timeoutMs: number): void {
  const tail = result.tail.trim() ? `\n--- last output ---\n${result.tail.trim().split("\n").slice(-20).join("\n")}` : "";
  if (result.timedOut) {
    throw new PmaError("eval_timeout", `${label} timed out after ${Math.round(timeoutMs / 1000)} s; its process tree was killed${tail}`);
  }
  if (result.aborted) throw new PmaError("eval_cancelled", `${label} was cancelled; its process tree was killed`, { permanent: false });
  if (result.signal) throw new PmaError("eval_killed", `${label} was killed by ${result.signal}${tail}`, { permanent: false });
  if (result.exitCode !== 0) {
    // Harnesses fail for passing reasons (a dataset download, a GPU shared with another process): retryable.
    throw new PmaError("eval_exit_code", `${label} exited with code ${result.exitCode}${tail}`, { permanent: false, details: { exitCode: result.exitCode } });
  }
}

import { fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PmaError } from "../errors";
import type { ChildRequest } from "./child";
import type { LabBackend } from "./tf";
import type { TrainHooks, TrainPlan, TrainResult } from "./train";

/**
 * Runs `trainRun` in a child Node process (TypeScript through tsx's loader, as the CLI does). The returned
 * handle can ask the child to stop after its current step; the run stays resumable from its last checkpoint.
 */
export interface TrainerHandle {
  done: Promise<TrainResult>;
  stop(): void;
}

type ChildMessage =
  | { type: "step"; report: Parameters<NonNullable<TrainHooks["onStep"]>>[0] }
  | { type: "checkpoint"; info: Parameters<NonNullable<TrainHooks["onCheckpoint"]>>[0] }
  | { type: "done"; result: TrainResult }
  | { type: "error"; code: string; message: string };

export function forkTrainer(plan: TrainPlan, hooks: Omit<TrainHooks, "shouldStop"> = {}, backend?: LabBackend): TrainerHandle {
  const require = createRequire(import.meta.url);
  const loader = pathToFileURL(require.resolve("tsx")).href;
  const entry = fileURLToPath(new URL("./child.ts", import.meta.url));
  const child = fork(entry, [], { execArgv: ["--import", loader], stdio: ["ignore", "ignore", "pipe", "ipc"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    // Keep the tail only: enough to explain a crash.
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const done = new Promise<TrainResult>((resolve, reject) => {
    let settled = false;
    child.on("message", (message: ChildMessage) => {
      if (message.type === "step") hooks.onStep?.(message.report);
      else if (message.type === "checkpoint") hooks.onCheckpoint?.(message.info);
      else if (message.type === "done") {
        settled = true;
        resolve(message.result);
      } else if (message.type === "error") {
        settled = true;
        reject(new PmaError(message.code, `lab run ${plan.run}: ${message.message}`));
      }
    });
    child.on("error", (error) => {
      if (!settled) reject(new PmaError("lab_run_crashed", `lab run ${plan.run} could not start: ${error.message}`, { cause: error }));
      settled = true;
    });
    child.on("exit", (code, signal) => {
      if (settled) return;
      settled = true;
      const tail = stderr.trim().split("\n").slice(-5).join("\n").slice(0, 1500);
      reject(new PmaError("lab_run_crashed", `lab run ${plan.run} exited (${signal ?? `code ${code}`}) before finishing${tail ? `: ${tail}` : ""}`, { permanent: false }));
    });
  });
  child.send({ type: "train", plan, backend } satisfies ChildRequest);
  return {
    done,
    stop: () => {
      if (child.connected) child.send({ type: "stop" } satisfies ChildRequest);
    },
  };
}

import { isPmaError } from "../errors";
import type { LabBackend } from "./tf";
import { trainRun, type TrainPlan } from "./train";

/**
 * Child-process entry: trains one run and reports over IPC. The lab runs independent runs in separate
 * processes because tfjs's wasm backend is single-threaded under Node.
 */
export type ChildRequest = { type: "train"; plan: TrainPlan; backend?: LabBackend } | { type: "stop" };

let stopRequested = false;

function send(message: unknown): void {
  process.send?.(message);
}

/** Sends the last message, then exits once it is flushed (the wasm runtime would keep the process alive). */
function finish(message: unknown, code: number): void {
  if (!process.send) process.exit(code);
  process.send(message, () => process.exit(code));
}

process.on("message", (message: ChildRequest) => {
  if (message.type === "stop") {
    stopRequested = true;
    return;
  }
  trainRun(message.plan, {
    backend: message.backend,
    onStep: (report) => send({ type: "step", report }),
    onCheckpoint: (info) => send({ type: "checkpoint", info }),
    shouldStop: () => stopRequested,
  }).then(
    (result) => finish({ type: "done", result }, 0),
    (error: unknown) => finish({ type: "error", code: isPmaError(error) ? error.code : "lab_run_crashed", message: error instanceof Error ? error.message : String(error) }, 1),
  );
});

// The parent going away (crash, Ctrl-C) must not leave an orphan training on.
process.on("disconnect", () => {
  stopRequested = true;
});

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PmaError } from "../../errors";
import type { NoopPayload } from "../kinds";
import type { JobHandler } from "../worker/context";

/** The queue's test and benchmark job: sleeps (abortably), then optionally fails, publishes or crashes. */
export const noopHandler: JobHandler<NoopPayload> = async (context) => {
  const { payload } = context.job;
  if (payload.crash) {
    if (!context.allowTestJobs) throw new PmaError("test_jobs_disabled", "crash jobs run only with PMA_LAB_TEST_JOBS=1");
    context.log("crashing the worker on purpose (poison-job test)");
    process.kill(process.pid, "SIGKILL");
  }
  // With `publish`, the output is written first and published after the sleep, like a merge: a crash or a
  // lost lease during the sleep leaves an attempt-scoped partial behind for the failure tests to look for.
  const name = payload.publish ? `test/${payload.publish.name}` : null;
  const bytes = Buffer.alloc(payload.publish?.bytes ?? 0, context.job.id & 0xff);
  if (name) fs.writeFileSync(path.join(await context.outputs.prepare(name), "data.bin"), bytes);
  if (payload.sleepMs > 0) {
    context.progress({ phase: "sleeping", bytesDone: 0, bytesTotal: payload.sleepMs });
    await sleep(payload.sleepMs, context.signal);
  }
  if (payload.fail) throw new PmaError(payload.fail.code, payload.fail.message, { permanent: payload.fail.permanent });
  if (name) {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const status = await context.outputs.publish(name, { bytes: bytes.length, sha256, files: ["data.bin"] });
    return { published: status, sha256 };
  }
  return { slept: payload.sleepMs };
};

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

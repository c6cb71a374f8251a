import type { Db } from "../../../db/client";
import type { JobConfig } from "../config";
import { JobService } from "../service";
import type { WorkerTransport } from "./transport";

/** A local worker: the same JobService the HTTP routes use, called in-process on its own SQLite connection. */
export function createDirectTransport(db: Db, dataDir: string, config: Pick<JobConfig, "backoff">): WorkerTransport {
  const service = new JobService(db, dataDir, config);
  const call = async <T>(fn: () => T): Promise<T> => fn();
  return {
    mode: "local",
    register: (registration) => call(() => service.registerWorker(registration, { mode: "local", tokenId: null })),
    workerHeartbeat: (workerId) => call(() => service.workerHeartbeat(workerId)),
    stop: (workerId) => call(() => service.stopWorker(workerId)),
    claim: (request) => call(() => service.claim(request)),
    claimById: (request) => call(() => service.claimById(request)),
    heartbeat: (request) => call(() => service.heartbeat(request)),
    progress: (request) => call(() => service.progress(request)),
    log: (request) => call(() => service.log(request)),
    metrics: (request) => call(() => service.metrics(request)),
    publish: (request) => call(() => service.publish(request)),
    complete: (request) => call(() => service.complete(request)),
    fail: (request) => call(() => service.fail(request)),
    release: (request) => call(() => service.release(request)),
    close: () => db.$client.close(),
  };
}

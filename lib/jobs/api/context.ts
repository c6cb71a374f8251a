import { getDb } from "../../../db";
import { getConfig } from "../../env";
import { getJobConfig } from "../config";
import { JobService } from "../service";
import type { WorkerApiContext } from "./handler";

let shared: WorkerApiContext | undefined;

/** The web server's worker-API context: the process-wide database and data dir. */
export function getWorkerApiContext(): WorkerApiContext {
  if (!shared) {
    const db = getDb();
    shared = { db, service: new JobService(db, getConfig().dataDir, getJobConfig()) };
  }
  return shared;
}

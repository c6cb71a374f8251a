import type { Db } from "../../../db/client";
import { PmaError, isPmaError } from "../../errors";
import { statusForCode } from "../../http/responses";
import { findJobById, findJobTarget } from "../../../db/queries";
import { checkClaimScope, isSubmissionToken } from "../../slurm/tokens";
import { jobNotFound } from "../errors";
import { isLocalOnlyKind } from "../kinds";
import type { JobService } from "../service";
import { verifyWorkerToken } from "../tokens";
import { isWorkerAction, workerApiSchemas, type WorkerAction, type WorkerApiRequest } from "./schemas";

/**
 * The worker API in one function: `POST /api/worker/<action>` with `Authorization: Bearer <worker token>` and a
 * JSON body. The Next route (app/api/worker/[action]/route.ts) and the tests' plain HTTP server both mount this.
 * Every action needs a valid, unrevoked token; a stale lease answers 409 and changes nothing.
 */

export interface WorkerApiContext {
  db: Db;
  service: JobService;
}

/** Status for the API's error codes; the rest follow the app-wide mapping. */
export function workerApiStatus(code: string): number {
  if (code === "lease_lost") return 409;
  if (code === "unauthorized") return 401;
  if (code === "forbidden") return 403;
  if (code === "job_not_found" || code === "unknown_action") return 404;
  if (code === "publish_partial_missing" || code === "publish_mismatch") return 422;
  return statusForCode(code);
}

function errorBody(error: PmaError): Response {
  const body = { error: { code: error.code, message: error.message, permanent: error.permanent, details: error.details ?? null } };
  return Response.json(body, { status: workerApiStatus(error.code) });
}

export async function handleWorkerApi(action: string, request: Request, context: WorkerApiContext): Promise<Response> {
  try {
    if (request.method !== "POST") throw new PmaError("method_not_allowed", "use POST");
    const token = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    const tokenRow = token ? verifyWorkerToken(context.db, token) : undefined;
    if (!tokenRow) throw new PmaError("unauthorized", "a valid worker token is required (Authorization: Bearer …)");
    if (request.headers.get("origin") !== null) throw new PmaError("forbidden", "worker calls do not come from browsers");
    if (!isWorkerAction(action)) throw new PmaError("unknown_action", `no worker action "${action}"`);
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      throw new PmaError("invalid_json", "the body is not valid JSON");
    }
    const parsed = workerApiSchemas[action].safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PmaError("invalid_request", `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    return Response.json(dispatch(action, parsed.data as never, context, tokenRow.id) ?? { ok: true });
  } catch (error) {
    if (isPmaError(error)) return errorBody(error);
    console.error(error);
    return Response.json({ error: { code: "internal", message: "Internal error; see the server log", permanent: false } }, { status: 500 });
  }
}

function dispatch<A extends WorkerAction>(action: A, body: WorkerApiRequest<A>, { db, service }: WorkerApiContext, tokenId: number): unknown {
  const ownWorker = (workerId: number): void => {
    if (!service.workerBelongsTo(workerId, tokenId)) throw new PmaError("forbidden", `worker #${workerId} was registered with another token`);
  };
  const ownLease = (request: { jobId: number; leaseToken: string }): void => {
    // Someone else's lease looks exactly like a stale one: 409, nothing changed, nothing revealed.
    if (!service.leaseBelongsTo(request.leaseToken, tokenId)) throw new PmaError("lease_lost", `job #${request.jobId}: not your lease; this call changed nothing`);
  };
  switch (action) {
    case "register":
      return service.registerWorker(body as WorkerApiRequest<"register">, { mode: "remote", tokenId });
    case "worker-heartbeat": {
      const { workerId } = body as WorkerApiRequest<"worker-heartbeat">;
      ownWorker(workerId);
      return service.workerHeartbeat(workerId);
    }
    case "stop": {
      const { workerId } = body as WorkerApiRequest<"stop">;
      ownWorker(workerId);
      return service.stopWorker(workerId);
    }
    case "claim": {
      const request = body as WorkerApiRequest<"claim">;
      ownWorker(request.workerId);
      checkClaimScope(db, tokenId, null);
      // Local-only kinds (the lab) write to this server's database and disk directly: never handed to a remote worker.
      return service.claim({ ...request, kinds: request.kinds.filter((kind) => !isLocalOnlyKind(kind)) });
    }
    case "claim-job": {
      const request = body as WorkerApiRequest<"claim-job">;
      ownWorker(request.workerId);
      checkClaimScope(db, tokenId, request.jobId);
      const job = findJobById(db, request.jobId);
      if (!job) throw jobNotFound(request.jobId);
      if (isLocalOnlyKind(job.kind)) throw new PmaError("forbidden", `job #${job.id} (${job.kind}) runs only on the server's own workers`);
      // A job on Slurm is its submission's: an ordinary remote worker may not take it by id either.
      if (findJobTarget(db, job.id) && !isSubmissionToken(db, tokenId)) throw new PmaError("forbidden", `job #${job.id} runs on Slurm; only its submission's worker may claim it`);
      return service.claimById(request);
    }
    default: {
      const request = body as WorkerApiRequest<"heartbeat">;
      ownLease(request);
      return dispatchJobCall(action, body, service);
    }
  }
}

function dispatchJobCall(action: WorkerAction, body: unknown, service: JobService): unknown {
  switch (action) {
    case "heartbeat":
      return service.heartbeat(body as WorkerApiRequest<"heartbeat">);
    case "progress":
      return service.progress(body as WorkerApiRequest<"progress">);
    case "log":
      return service.log(body as WorkerApiRequest<"log">);
    case "metrics":
      return service.metrics(body as WorkerApiRequest<"metrics">);
    case "publish":
      return service.publish(body as WorkerApiRequest<"publish">);
    case "complete":
      return service.complete(body as WorkerApiRequest<"complete">);
    case "fail":
      return service.fail(body as WorkerApiRequest<"fail">);
    case "release":
      return service.release(body as WorkerApiRequest<"release">);
    default:
      throw new PmaError("unknown_action", `no worker action "${action}"`);
  }
}

import { PmaError } from "../../errors";
import type { WorkerAction } from "../api/schemas";
import type { WorkerTransport } from "./transport";

export interface HttpTransportOptions {
  /** Base URL of the PMA Lab server, e.g. http://10.0.0.5:3000. */
  server: string;
  token: string;
  /** How long one request may take before it counts as a network failure. */
  timeoutMs?: number;
  /** Called before each retry of an unreachable server (logging). */
  onRetry?: (action: string, error: unknown, delayMs: number) => void;
  /** Stops claim retries (the worker is stopping); calls about a running job keep retrying until their lease runs out. */
  signal?: AbortSignal;
}

/** Failures that mean "the server is not answering right now": retry with back-off instead of giving up. */
function isTransient(error: unknown): boolean {
  return !(error instanceof PmaError) || error.code === "server_unavailable";
}

/**
 * A remote worker's transport: JSON over HTTP with its bearer token, to app/api/worker/<action>. While the
 * server is down or restarting it backs off (0.25 s doubling to 5 s, with jitter) and resumes; a 409 surfaces at
 * once as `lease_lost`, any other refusal as its PmaError.
 */
export function createHttpTransport(options: HttpTransportOptions): WorkerTransport {
  const base = options.server.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function once(action: WorkerAction, body: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}/api/worker/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new PmaError("server_unavailable", `cannot reach ${base}: ${(error as Error).message}`, { permanent: false, cause: error });
    }
    const text = await response.text();
    let json: { error?: { code: string; message: string; permanent?: boolean; details?: unknown } } & Record<string, unknown>;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PmaError("server_unavailable", `${base} answered ${response.status} without JSON`, { permanent: false });
    }
    if (response.ok) return json;
    if (response.status >= 500) throw new PmaError("server_unavailable", `${base} answered ${response.status}: ${json.error?.message ?? ""}`, { permanent: false });
    const error = json.error ?? { code: "http_error", message: `HTTP ${response.status}` };
    throw new PmaError(error.code, error.message, { permanent: error.permanent ?? true, details: error.details });
  }

  /** Retries transient failures until `deadline` (ms since epoch; Infinity for "until stopped"). */
  async function request<T>(action: WorkerAction, body: unknown, deadline = Number.POSITIVE_INFINITY, abortable = false): Promise<T> {
    let delay = 250;
    for (;;) {
      try {
        return (await once(action, body)) as T;
      } catch (error) {
        if (!isTransient(error) || Date.now() + delay > deadline || (abortable && options.signal?.aborted)) throw error;
        const wait = Math.round(delay * (0.5 + Math.random() * 0.5));
        options.onRetry?.(action, error, wait);
        await new Promise((resolve) => setTimeout(resolve, wait));
        delay = Math.min(5_000, delay * 2);
      }
    }
  }

  return {
    mode: "remote",
    register: (registration) => request("register", registration),
    workerHeartbeat: async (workerId) => {
      await request("worker-heartbeat", { workerId });
    },
    stop: async (workerId) => {
      await request("stop", { workerId }, Date.now() + 5_000);
    },
    claim: (body) => request("claim", body, Number.POSITIVE_INFINITY, true),
    claimById: (body) => request("claim-job", body, Number.POSITIVE_INFINITY, true),
    // Job calls stop retrying once the lease must have run out anyway; the caller then treats it as lost.
    heartbeat: (body) => request("heartbeat", body, Date.now() + body.leaseMs),
    progress: async (body) => {
      await request("progress", body, Date.now() + 10_000);
    },
    log: async (body) => {
      await request("log", body, Date.now() + 10_000);
    },
    metrics: (body) => request("metrics", body, Date.now() + 60_000),
    publish: (body) => request("publish", body, Date.now() + 60_000),
    complete: (body) => request("complete", body, Date.now() + 60_000),
    fail: (body) => request("fail", body, Date.now() + 60_000),
    release: async (body) => {
      await request("release", body, Date.now() + 5_000);
    },
    close: () => {},
  };
}

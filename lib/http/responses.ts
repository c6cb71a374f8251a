import { isPmaError } from "../errors";

/** HTTP status for a typed error code: refusals of paths are 403, unknown things 404, the rest 400. */
export function statusForCode(code: string): number {
  if (code === "path_outside_roots" || code === "path_forbidden") return 403;
  if (code === "path_not_found" || code.endsWith("_not_found") || code === "eval_checkpoint_unregistered") return 404;
  return 400;
}

/** A JSON error body `{ error: { code, message } }`; unexpected errors are logged and answered 500 without detail. */
export function errorResponse(error: unknown): Response {
  if (isPmaError(error)) {
    return Response.json({ error: { code: error.code, message: error.message } }, { status: statusForCode(error.code) });
  }
  console.error(error);
  return Response.json({ error: { code: "internal", message: "Internal error; see the server log" } }, { status: 500 });
}

/**
 * Refuses requests a browser on another site could have sent: route handlers get no cross-site protection from
 * Next.js. A JSON content type forces a CORS preflight (which we never grant), and an Origin header, when sent,
 * must name this host.
 */
export function refuseCrossSite(request: Request): Response | undefined {
  const origin = request.headers.get("origin");
  const host = request.headers.get("host");
  if (origin !== null) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== host) {
      return Response.json({ error: { code: "cross_origin", message: "Cross-origin requests are refused" } }, { status: 403 });
    }
  }
  if (request.method !== "GET" && !(request.headers.get("content-type") ?? "").startsWith("application/json")) {
    return Response.json({ error: { code: "unsupported_media_type", message: "Send a JSON body (Content-Type: application/json)" } }, { status: 415 });
  }
  return undefined;
}

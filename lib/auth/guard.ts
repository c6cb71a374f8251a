import { getAuthConfig, getConfig } from "../env";
import { PmaError } from "../errors";
import { authorize, checkHostAndOrigin, type AuthContext, type HeaderSource, type Principal, type Refusal } from "./request";

/**
 * The checks every endpoint makes itself, behind the proxy (defence in depth: a server action can be invoked
 * through any page's URL, so a path-based rule alone is not enough). Each route handler starts with
 * `refuseUnauthorized(request)` (or `refusePublic` with its reason), each server action with
 * `requireAuthorized(await headers())` (or `allowPublicAction`); test/security/auth-sweep.test.ts fails when an
 * exported handler or action has neither.
 */

function context(): AuthContext {
  return { auth: getAuthConfig(), dataDir: getConfig().dataDir };
}

export function refusalResponse(refusal: Refusal): Response {
  const headers: Record<string, string> = refusal.status === 401 ? { "www-authenticate": 'Bearer realm="pma-lab"' } : {};
  return Response.json({ error: { code: refusal.code, message: refusal.message } }, { status: refusal.status, headers });
}

/** Route handlers: undefined when the caller may proceed, else the 401/403 answer to return. */
export function refuseUnauthorized(request: Request): Response | undefined {
  const decision = authorize(request.method, request.headers, context());
  return decision.ok ? undefined : refusalResponse(decision);
}

/**
 * Route handlers that authenticate callers themselves (the worker API: worker tokens). `reason` says how, for the
 * reader and the sweep; the host and origin checks still apply.
 */
export function refusePublic(request: Request, reason: string): Response | undefined {
  if (reason.trim().length < 10) throw new Error("refusePublic needs a reason that says how the endpoint authenticates its callers");
  const refused = checkHostAndOrigin(request.method, request.headers, context());
  return refused ? refusalResponse(refused) : undefined;
}

/** Server actions: the caller, or a thrown `unauthorized` / `forbidden` PmaError. */
export function requireAuthorized(headers: HeaderSource): Principal {
  const decision = authorize("POST", headers, context());
  if (!decision.ok) throw new PmaError(decision.status === 401 ? "unauthorized" : "forbidden", decision.message);
  return decision.principal;
}

/** Server actions anyone may call (signing in); host and origin are still checked. */
export function allowPublicAction(headers: HeaderSource, reason: string): void {
  if (reason.trim().length < 10) throw new Error("allowPublicAction needs a reason");
  const refused = checkHostAndOrigin("POST", headers, context());
  if (refused) throw new PmaError("forbidden", refused.message);
}

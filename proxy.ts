import { NextResponse, type NextRequest } from "next/server";
import { authorize, checkHostAndOrigin, contentSecurityPolicy, isPublicPath, newNonce, SECURITY_HEADERS, type Refusal } from "./lib/auth";
import { getAuthConfig, getConfig } from "./lib/env";
import { REPORT_FILE_CSP, REPORT_FILES_PATH } from "./lib/report/csp";

/**
 * Every request passes here first (Next.js 16's proxy, formerly middleware; Node.js runtime). It refuses unknown
 * Host headers (DNS rebinding) and requests made by other sites' pages, asks for a session or bearer token when
 * sign-in is required, and sets the Content-Security-Policy (with a fresh nonce for Next's own inline scripts) and
 * the other security headers. Route handlers and server actions check again themselves (lib/auth/guard.ts).
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const context = { auth: getAuthConfig(), dataDir: getConfig().dataDir };
  const decision = isPublicPath(pathname)
    ? (checkHostAndOrigin(request.method, request.headers, context) ?? { ok: true as const })
    : authorize(request.method, request.headers, context);
  if (!decision.ok) return withSecurityHeaders(refuse(request, decision, `${pathname}${search}`));

  if (pathname.startsWith(REPORT_FILES_PATH)) {
    // A stored report: inert (no script at all), and shown inside this origin's report page, so it may be framed
    // by this origin only.
    const response = withSecurityHeaders(NextResponse.next());
    response.headers.set("content-security-policy", REPORT_FILE_CSP);
    response.headers.set("x-frame-options", "SAMEORIGIN");
    return response;
  }
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });
  // Next reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return withSecurityHeaders(response);
}

function refuse(request: NextRequest, refusal: Refusal, wanted: string): NextResponse {
  // A page (or a client-side navigation to one) goes to the sign-in page; API calls get the 401.
  const page = request.method === "GET" && !wanted.startsWith("/api/");
  if (refusal.status === 401 && page) {
    const signIn = request.nextUrl.clone();
    signIn.pathname = "/sign-in";
    signIn.search = new URLSearchParams({ next: wanted }).toString();
    return NextResponse.redirect(signIn, 303);
  }
  const headers: Record<string, string> = refusal.status === 401 ? { "www-authenticate": 'Bearer realm="pma-lab"' } : {};
  return NextResponse.json({ error: { code: refusal.code, message: refusal.message } }, { status: refusal.status, headers });
}

function withSecurityHeaders(response: NextResponse): NextResponse {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything, static files included (they get the security headers; isPublicPath lets them through).
  matcher: "/:path*",
};

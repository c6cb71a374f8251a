import { isIP } from "node:net";
import { isLoopbackHost, type AuthConfig } from "../env";
import { SESSION_COOKIE, verifySessionValue } from "./session";
import { verifyUserToken } from "./tokens";

/**
 * The one access decision for every request, shared by the proxy (proxy.ts), route handlers and server actions:
 * 1. the Host header must name this server — a loopback name, an IP literal, or one of PMA_LAB_PUBLIC_HOSTS —
 *    so a DNS-rebinding page (evil.example resolving to 127.0.0.1) is refused;
 * 2. a request another site's page made is refused: an Origin that is not this host, or a cross-site
 *    Sec-Fetch-Site on anything but a top-level navigation;
 * 3. when authentication is required (PMA_LAB_AUTH=on, or bound beyond loopback), a valid bearer token or sign-in
 *    session cookie. Otherwise the caller is the one local user.
 */

export interface HeaderSource {
  get(name: string): string | null;
}

export interface Principal {
  kind: "local" | "token" | "session";
  /** The token's name; "local" for the one local user. */
  name: string;
}

export type Refusal = { ok: false; status: 401 | 403; code: "host_not_allowed" | "cross_origin" | "unauthenticated"; message: string };
export type AuthDecision = { ok: true; principal: Principal } | Refusal;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function refuse(status: Refusal["status"], code: Refusal["code"], message: string): Refusal {
  return { ok: false, status, code, message };
}

/** Splits `name[:port]` / `[v6]:port`; undefined for anything else. */
export function parseHostHeader(host: string): { name: string; port: string | null } | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match) return undefined;
  return { name: match[1].toLowerCase(), port: match[2] ?? null };
}

/** Is this Host header one the server answers to? (DNS rebinding needs a name the attacker controls.) */
export function isAllowedHost(host: string | null, config: Pick<AuthConfig, "publicHosts">): boolean {
  if (!host) return false;
  const parsed = parseHostHeader(host);
  if (!parsed) return false;
  const bare = parsed.name.replace(/^\[(.*)\]$/, "$1");
  if (isLoopbackHost(parsed.name) || isIP(bare) !== 0) return true;
  const withPort = parsed.port ? `${parsed.name}:${parsed.port}` : parsed.name;
  return config.publicHosts.some((allowed) => allowed === parsed.name || allowed === withPort);
}

/** A refusal when a page on another site (or a sandboxed frame) made this request. */
export function checkSameOrigin(method: string, headers: HeaderSource): Refusal | undefined {
  const origin = headers.get("origin");
  const host = headers.get("host");
  if (origin !== null) {
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost === null || originHost !== host?.toLowerCase()) {
      return refuse(403, "cross_origin", "Cross-origin requests are refused: this server only answers its own pages and non-browser clients");
    }
  }
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") {
    const navigation = SAFE_METHODS.has(method.toUpperCase()) && headers.get("sec-fetch-mode") === "navigate";
    if (!navigation) return refuse(403, "cross_origin", "Requests from other sites are refused (only a plain link to a page is allowed)");
  }
  return undefined;
}

/** The value of one cookie from a Cookie header. */
export function readCookie(headers: HeaderSource, name: string): string | undefined {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Who is calling: a valid bearer token or session cookie; undefined when neither is presented or valid. */
export function authenticate(headers: HeaderSource, dataDir: string, now = Date.now()): Principal | undefined {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    // A presented but wrong token never falls back to the cookie: scripts should hear that their token is bad.
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const token = bearer ? verifyUserToken(dataDir, bearer) : undefined;
    return token ? { kind: "token", name: token.name } : undefined;
  }
  const session = readCookie(headers, SESSION_COOKIE);
  const token = session ? verifySessionValue(dataDir, session, now) : undefined;
  return token ? { kind: "session", name: token.name } : undefined;
}

export interface AuthContext {
  auth: Pick<AuthConfig, "required" | "publicHosts">;
  dataDir: string;
}

/** Host and origin only: for endpoints that authenticate their callers themselves (the worker API, sign-in). */
export function checkHostAndOrigin(method: string, headers: HeaderSource, context: AuthContext): Refusal | undefined {
  if (!isAllowedHost(headers.get("host"), context.auth)) {
    return refuse(403, "host_not_allowed", `Host "${headers.get("host") ?? ""}" is not one this server answers to; add it to PMA_LAB_PUBLIC_HOSTS`);
  }
  return checkSameOrigin(method, headers);
}

export function authorize(method: string, headers: HeaderSource, context: AuthContext, now = Date.now()): AuthDecision {
  const refused = checkHostAndOrigin(method, headers, context);
  if (refused) return refused;
  if (!context.auth.required) return { ok: true, principal: { kind: "local", name: "local" } };
  const principal = authenticate(headers, context.dataDir, now);
  if (!principal) {
    return refuse(401, "unauthenticated", "Sign in at /sign-in, or send Authorization: Bearer <token> (create one with `pma-lab auth token create NAME`)");
  }
  return { ok: true, principal };
}

import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { authDir, findActiveUserToken, type UserToken } from "./tokens";

/**
 * Sign-in sessions: a cookie `v1.<token id>.<issued at>.<expires at>.<HMAC-SHA256>` signed with a random secret
 * kept in `<data dir>/auth/session-secret` (created on first use, mode 0600). Nothing is stored per session; a
 * session is valid while its signature checks out, it has not expired, and the token it was signed in with is
 * still active (revoking the token signs its sessions out).
 */

export const SESSION_COOKIE = "pma_lab_session";

const secrets = new Map<string, Buffer>();

function sessionSecret(dataDir: string): Buffer {
  const known = secrets.get(dataDir);
  if (known) return known;
  const dir = authDir(dataDir);
  const file = path.join(dir, "session-secret");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    // "wx": of two processes starting at once, one creates the secret and the other reads it.
    fs.writeFileSync(file, randomBytes(32).toString("hex"), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const secret = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
  if (secret.length < 32) throw new Error(`${file} does not hold a 256-bit secret; remove it to create a new one (this signs everyone out)`);
  secrets.set(dataDir, secret);
  return secret;
}

function sign(secret: Buffer, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

export function createSessionValue(dataDir: string, token: Pick<UserToken, "id">, ttlMs: number, now = Date.now()): { value: string; expiresAt: number } {
  const expiresAt = now + ttlMs;
  const body = `v1.${token.id}.${now}.${expiresAt}`;
  return { value: `${body}.${sign(sessionSecret(dataDir), body)}`, expiresAt };
}

/** The signed-in token, or undefined for a missing, forged, expired or revoked session. */
export function verifySessionValue(dataDir: string, value: string, now = Date.now()): UserToken | undefined {
  const match = /^(v1\.([0-9a-f]{12})\.(\d{1,15})\.(\d{1,15}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const [, body, tokenId, issued, expires, signature] = match;
  const expected = Buffer.from(sign(sessionSecret(dataDir), body));
  if (!timingSafeEqual(expected, Buffer.from(signature))) return undefined;
  if (Number(expires) <= now) return undefined;
  const token = findActiveUserToken(dataDir, tokenId);
  if (!token || Number(issued) < token.createdAt) return undefined;
  return token;
}

/** The Set-Cookie attributes: HttpOnly, SameSite=Strict, whole site; Secure when the page came over HTTPS. */
export function sessionCookieOptions(expiresAt: number, secure: boolean) {
  return { httpOnly: true, sameSite: "strict" as const, path: "/", secure, expires: new Date(expiresAt) };
}

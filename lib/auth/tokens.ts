import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { fsyncDirectory } from "../disk";
import { PmaError } from "../errors";

/**
 * Sign-in tokens for people and scripts: `pmau_<id>_<secret>`, created with `pma-lab auth token create NAME` and
 * shown once. Only sha256(token) is kept, in `<data dir>/auth/tokens.json` (mode 0600, no database schema
 * involved), and a presented token is looked up by its id and compared with crypto.timingSafeEqual. Revoking a
 * token also ends every session signed in with it.
 */

export interface UserToken {
  id: string;
  name: string;
  sha256: string;
  createdAt: number;
  revokedAt: number | null;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const USER_TOKEN_PATTERN = /^pmau_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const storeSchema = z.object({
  tokens: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{12}$/),
      name: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      createdAt: z.number(),
      revokedAt: z.number().nullable(),
    }),
  ),
});

export function authDir(dataDir: string): string {
  return path.join(dataDir, "auth");
}

function storePath(dataDir: string): string {
  return path.join(authDir(dataDir), "tokens.json");
}

function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

let cache: { file: string; key: string; tokens: UserToken[] } | undefined;

/** Every token (revoked ones included). Re-read only when the file changes: the server calls this per request. */
export function listUserTokens(dataDir: string): UserToken[] {
  const file = storePath(dataDir);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return [];
  const key = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  if (cache?.file === file && cache.key === key) return cache.tokens;
  let parsed: z.infer<typeof storeSchema>;
  try {
    parsed = storeSchema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (error) {
    throw new PmaError("auth_store_invalid", `${file} is not a valid token store (${(error as Error).message}); fix or remove it and create tokens again`);
  }
  cache = { file, key, tokens: parsed.tokens };
  return parsed.tokens;
}

export function activeUserTokenCount(dataDir: string): number {
  return listUserTokens(dataDir).filter((token) => token.revokedAt === null).length;
}

/** Writes the store atomically (temporary file, fsync, rename, fsync the directory), readable by its owner only. */
function writeStore(dataDir: string, tokens: UserToken[]): void {
  const dir = authDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = storePath(dataDir);
  const temporary = `${file}.tmp-${randomBytes(4).toString("hex")}`;
  const fd = fs.openSync(temporary, "wx", 0o600);
  try {
    fs.writeFileSync(fd, `${JSON.stringify({ tokens }, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  fsyncDirectory(dir);
}

/** Serialises changes between concurrent CLI invocations with an exclusive lock file. */
function withStoreLock<T>(dataDir: string, change: () => T): T {
  fs.mkdirSync(authDir(dataDir), { recursive: true, mode: 0o700 });
  const lock = path.join(authDir(dataDir), "tokens.lock");
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, "wx", 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30_000) fs.rmSync(lock, { force: true }); // left by a killed process
      else if (Date.now() > deadline) throw new PmaError("auth_store_busy", `${lock} is held by another pma-lab process; try again`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return change();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

export function createUserToken(dataDir: string, name: string, now = Date.now()): { name: string; token: string } {
  if (!NAME_PATTERN.test(name)) throw new PmaError("token_name_invalid", `"${name}": use letters, digits, '.', '_', '@' or '-' (at most 64)`);
  return withStoreLock(dataDir, () => {
    const tokens = listUserTokens(dataDir);
    if (tokens.some((token) => token.name === name)) throw new PmaError("token_name_taken", `a sign-in token named "${name}" exists already (revoked ones keep their name)`);
    let id: string;
    do id = randomBytes(6).toString("hex");
    while (tokens.some((token) => token.id === id));
    const token = `pmau_${id}_${randomBytes(32).toString("base64url")}`;
    writeStore(dataDir, [...tokens, { id, name, sha256: hashToken(token).toString("hex"), createdAt: now, revokedAt: null }]);
    return { name, token };
  });
}

export function revokeUserToken(dataDir: string, name: string, now = Date.now()): void {
  withStoreLock(dataDir, () => {
    const tokens = listUserTokens(dataDir);
    const found = tokens.find((token) => token.name === name);
    if (!found) throw new PmaError("token_not_found", `no sign-in token named "${name}"`);
    if (found.revokedAt !== null) throw new PmaError("token_already_revoked", `the sign-in token "${name}" is already revoked`);
    writeStore(dataDir, tokens.map((token) => (token.name === name ? { ...token, revokedAt: now } : token)));
  });
}

/** The token's entry when it is valid and not revoked; undefined otherwise (callers answer without detail). */
export function verifyUserToken(dataDir: string, presented: string): UserToken | undefined {
  const match = USER_TOKEN_PATTERN.exec(presented);
  if (!match) return undefined;
  const entry = listUserTokens(dataDir).find((token) => token.id === match[1]);
  const expected = Buffer.from(entry?.sha256 ?? "0".repeat(64), "hex");
  const equal = timingSafeEqual(expected, hashToken(presented));
  return entry && equal && entry.revokedAt === null ? entry : undefined;
}

/** An active token by id (sessions name their token by id). */
export function findActiveUserToken(dataDir: string, id: string): UserToken | undefined {
  return listUserTokens(dataDir).find((token) => token.id === id && token.revokedAt === null);
}

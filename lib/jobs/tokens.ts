import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../../db/client";
import { writeTransaction } from "../../db/client";
import {
  findWorkerTokenById,
  findWorkerTokenByName,
  insertWorkerToken,
  revokeWorkerToken,
  setWorkerTokenHash,
  touchWorkerToken,
} from "../../db/queries";
import type { WorkerToken } from "../../db/schema";
import { PmaError } from "../errors";

/**
 * Per-worker bearer tokens: `pmaw_<id>_<secret>`. Only sha256(token) is stored; a presented token is looked up
 * by its id and compared with crypto.timingSafeEqual, so neither the database nor a timing side channel gives
 * it away. Tokens are shown once, at creation.
 */

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN_PATTERN = /^pmaw_(\d{1,12})_([A-Za-z0-9_-]{43})$/;

function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export function createWorkerToken(db: Db, name: string): { name: string; token: string } {
  const { token } = writeTransaction(db, (tx) => createWorkerTokenIn(tx, name));
  return { name, token };
}

/** createWorkerToken inside the caller's write transaction (a Slurm submission creates its token with its rows). */
export function createWorkerTokenIn(tx: Db, name: string): { id: number; name: string; token: string } {
  if (!NAME_PATTERN.test(name)) throw new PmaError("token_name_invalid", `"${name}": use letters, digits, '.', '_' or '-' (at most 64)`);
  if (findWorkerTokenByName(tx, name)) throw new PmaError("token_name_taken", `a worker token named "${name}" exists already (revoked ones keep their name)`);
  // The id is part of the token, so insert a random placeholder hash first and set the real one once it is known.
  const row = insertWorkerToken(tx, name, randomBytes(32).toString("hex"));
  const token = `pmaw_${row.id}_${randomBytes(32).toString("base64url")}`;
  setWorkerTokenHash(tx, row.id, hashToken(token).toString("hex"));
  return { id: row.id, name, token };
}

export function revokeToken(db: Db, name: string): void {
  if (!findWorkerTokenByName(db, name)) throw new PmaError("token_not_found", `no worker token named "${name}"`);
  if (!revokeWorkerToken(db, name)) throw new PmaError("token_already_revoked", `the worker token "${name}" is already revoked`);
}

/** The token's row when it is valid and not revoked; undefined otherwise (callers answer 401 without detail). */
export function verifyWorkerToken(db: Db, token: string, now = Date.now()): WorkerToken | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  const row = findWorkerTokenById(db, Number(match[1]));
  const presented = hashToken(token);
  const stored = Buffer.from(row?.tokenHash ?? "", "hex");
  const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!row || !equal || row.revokedAt) return undefined;
  // At most one write a minute per token: "last used" is for humans, not for every heartbeat.
  if ((row.lastUsedAt ?? 0) < now - 60_000) touchWorkerToken(db, row.id, now);
  return row;
}

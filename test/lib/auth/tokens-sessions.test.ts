import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSessionValue, createUserToken, listUserTokens, revokeUserToken, verifySessionValue, verifyUserToken } from "../../../lib/auth";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";

describe("sign-in tokens", () => {
  it("are shown once, stored only as sha256 in an owner-only file, and revocable", () => {
    const dataDir = makeTempDir("pma-auth-");
    const { token } = createUserToken(dataDir, "alice");
    expect(token).toMatch(/^pmau_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const file = path.join(dataDir, "auth", "tokens.json");
    const stored = fs.readFileSync(file, "utf8");
    expect(stored).not.toContain(token.split("_")[2]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(verifyUserToken(dataDir, token)?.name).toBe("alice");

    // One character off, another token's id with this secret, garbage: all refused alike.
    const other = createUserToken(dataDir, "bob").token;
    expect(verifyUserToken(dataDir, `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(verifyUserToken(dataDir, `${other.slice(0, 18)}${token.slice(18)}`)).toBeUndefined();
    expect(verifyUserToken(dataDir, "pmau_x")).toBeUndefined();
    expect(verifyUserToken(dataDir, "")).toBeUndefined();

    expect(() => createUserToken(dataDir, "alice")).toThrow(expect.objectContaining({ code: "token_name_taken" }));
    expect(() => createUserToken(dataDir, "../etc")).toThrow(expect.objectContaining({ code: "token_name_invalid" }));
    revokeUserToken(dataDir, "alice");
    expect(verifyUserToken(dataDir, token)).toBeUndefined();
    expect(verifyUserToken(dataDir, other)?.name).toBe("bob");
    expect(() => revokeUserToken(dataDir, "alice")).toThrow(expect.objectContaining({ code: "token_already_revoked" }));
    expect(() => revokeUserToken(dataDir, "carol")).toThrow(expect.objectContaining({ code: "token_not_found" }));
    expect(listUserTokens(dataDir).map((t) => [t.name, t.revokedAt !== null])).toEqual([["alice", true], ["bob", false]]);
  });

  it("a corrupt token store is reported, never treated as empty", () => {
    const dataDir = makeTempDir("pma-auth-");
    fs.mkdirSync(path.join(dataDir, "auth"));
    fs.writeFileSync(path.join(dataDir, "auth", "tokens.json"), "{");
    expect(() => verifyUserToken(dataDir, "pmau_000000000000_" + "a".repeat(43))).toThrow(expect.objectContaining({ code: "auth_store_invalid" }));
  });
});

describe("sign-in sessions", () => {
  it("are HMAC-signed, expire, and end when their token is revoked", () => {
    const dataDir = makeTempDir("pma-auth-");
    const alice = createUserToken(dataDir, "alice");
    const entry = verifyUserToken(dataDir, alice.token)!;
    const now = Date.now();
    const { value, expiresAt } = createSessionValue(dataDir, entry, 60_000, now);
    expect(expiresAt).toBe(now + 60_000);
    expect(verifySessionValue(dataDir, value, now + 1)?.name).toBe("alice");
    expect(verifySessionValue(dataDir, value, now + 60_000)).toBeUndefined();

    // Tampering with any part breaks the signature: a longer expiry, another token's id.
    const [v, id, issued, expires, signature] = value.split(".");
    expect(verifySessionValue(dataDir, [v, id, issued, String(Number(expires) + 1e9), signature].join("."), now)).toBeUndefined();
    const bob = verifyUserToken(dataDir, createUserToken(dataDir, "bob").token)!;
    expect(verifySessionValue(dataDir, [v, bob.id, issued, expires, signature].join("."), now)).toBeUndefined();
    expect(verifySessionValue(dataDir, `${value}x`, now)).toBeUndefined();
    // Signed with another server's secret.
    const elsewhere = makeTempDir("pma-auth-");
    fs.mkdirSync(path.join(elsewhere, "auth"));
    fs.copyFileSync(path.join(dataDir, "auth", "tokens.json"), path.join(elsewhere, "auth", "tokens.json"));
    expect(verifySessionValue(elsewhere, value, now)).toBeUndefined();
    expect(fs.statSync(path.join(dataDir, "auth", "session-secret")).mode & 0o777).toBe(0o600);

    revokeUserToken(dataDir, "alice");
    expect(verifySessionValue(dataDir, value, now + 1)).toBeUndefined();
  });
});

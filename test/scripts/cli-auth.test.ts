import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { verifyUserToken } from "../../lib/auth";
import { makeTempDir } from "../helpers/checkpoint-fixtures";
import { runCli } from "../helpers/cli";

describe("pma-lab auth and serve", () => {
  it("creates, lists and revokes sign-in tokens; serve refuses to listen beyond loopback until a token exists", () => {
    const dataDir = makeTempDir("pma-cli-auth-");
    const env = { PMA_LAB_DATA_DIR: dataDir };
    // Nothing to sign in with yet: serving to the network is refused before anything starts.
    const refused = runCli(["serve", "--host", "0.0.0.0", "--port", "1", "--no-worker"], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/serving on 0\.0\.0\.0 .* requires sign-in.*pma-lab auth token create NAME \[auth_not_configured\]/);
    const forced = runCli(["serve", "--port", "1", "--no-worker"], { ...env, PMA_LAB_AUTH: "on" });
    expect([forced.status, forced.stderr]).toEqual([1, expect.stringContaining("[auth_not_configured]")]);

    const created = runCli(["auth", "token", "create", "alice", "--json"], env).json() as { name: string; token: string };
    expect(verifyUserToken(dataDir, created.token)?.name).toBe("alice");
    expect(fs.readFileSync(path.join(dataDir, "auth", "tokens.json"), "utf8")).not.toContain(created.token);
    const human = runCli(["auth", "token", "create", "bob"], env);
    expect(human.stdout).toMatch(/^pmau_\w+/);
    expect(human.stdout).toContain("shown only now");
    expect(runCli(["auth", "token", "list", "--json"], env).json().tokens.map((t: { name: string; revokedAt: number | null }) => [t.name, t.revokedAt])).toEqual([
      ["alice", null],
      ["bob", null],
    ]);
    expect(runCli(["auth", "token", "revoke", "alice"], env).status).toBe(0);
    expect(verifyUserToken(dataDir, created.token)).toBeUndefined();
    expect(runCli(["auth", "token", "revoke", "alice", "--json"], env).json().error.code).toBe("token_already_revoked");
    expect(runCli(["auth", "token", "create", "../x", "--json"], env).json().error.code).toBe("token_name_invalid");
  }, 120_000);
});

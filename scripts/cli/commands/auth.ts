import type { Command } from "commander";
import { createUserToken, listUserTokens, revokeUserToken } from "../../../lib/auth";
import { getConfig } from "../../../lib/env";
import { table } from "../../../lib/format";
import { action, emit } from "../output";

/** `auth token create|list|revoke`: sign-in tokens for people and scripts (shown once, stored hashed). */
export function registerAuthCommands(program: Command): void {
  const auth = program.command("auth").description("Access to a shared server: sign-in tokens for people and scripts");
  const tokens = auth.command("token").description("Sign-in tokens (shown once, stored as sha256 in <data dir>/auth/tokens.json)");
  tokens
    .command("create")
    .argument("<name>", "who or what the token is for, e.g. alice or nightly-report")
    .option("--json", "print one JSON document")
    .action(
      action((name: string, options: { json?: boolean }) => {
        const created = createUserToken(getConfig().dataDir, name);
        emit(options, created, () =>
          [
            created.token,
            "",
            `The token for "${name}" is shown only now. Sign in at http://HOST:PORT/sign-in with it, or send it from scripts:`,
            `  curl -H 'Authorization: Bearer ${created.token}' http://HOST:PORT/api/runs`,
          ].join("\n"),
        );
      }),
    );
  tokens
    .command("revoke")
    .argument("<name>")
    .option("--json", "print one JSON document")
    .action(
      action((name: string, options: { json?: boolean }) => {
        revokeUserToken(getConfig().dataDir, name);
        emit(options, { name, revoked: true }, () => `revoked the sign-in token "${name}"; its sessions are signed out`);
      }),
    );
  tokens
    .command("list")
    .option("--json", "print one JSON document")
    .action(
      action((options: { json?: boolean }) => {
        const rows = listUserTokens(getConfig().dataDir).map(({ name, createdAt, revokedAt }) => ({ name, createdAt, revokedAt }));
        emit(options, { tokens: rows }, () =>
          rows.length === 0
            ? "No sign-in tokens. Create one with: pma-lab auth token create NAME"
            : table(
                ["name", "created", "revoked"],
                rows.map((row) => [row.name, new Date(row.createdAt).toISOString(), row.revokedAt ? new Date(row.revokedAt).toISOString() : ""]),
              ),
        );
      }),
    );
}

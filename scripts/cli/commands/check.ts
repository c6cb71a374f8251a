import type { Command } from "commander";
import { getDb } from "../../../db";
import { getConfig } from "../../../lib/env";
import { formatBytes } from "../../../lib/format";
import { checkInvariants } from "../../../lib/jobs/invariants";
import { action, emit } from "../output";

/** `check`: the data dir's invariants (database, queue, published artifacts re-hashed, leftovers), e.g. after a crash. */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("Verify the database and every published artifact (re-hashed from disk); exit 1 on any violation")
    .option("--no-hash", "skip re-hashing artifacts (sizes and file lists are still checked)")
    .option("--json", "print one JSON document")
    .action(
      action((options: { hash: boolean; json?: boolean }) => {
        const report = checkInvariants(getDb(), getConfig().dataDir, { hash: options.hash });
        emit(options, report, () =>
          report.violations.length === 0
            ? `all invariants hold: ${report.artifacts} published artifacts${options.hash ? `, ${formatBytes(report.bytesHashed)} re-hashed` : ""}`
            : `${report.violations.length} violation(s):\n${report.violations.map((v) => `  ${v}`).join("\n")}`,
        );
        if (report.violations.length > 0) process.exitCode = 1;
      }),
    );
}

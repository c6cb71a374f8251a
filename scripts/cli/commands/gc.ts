import type { Command } from "commander";
import { getDb } from "../../../db";
import { collectGarbage } from "../../../lib/disk";
import { getConfig } from "../../../lib/env";
import { formatBytes } from "../../../lib/format";
import { action, emit } from "../output";

/** `gc`: delete merged models nobody keeps once their sweep is done, and crash leftovers; print disk usage. */
export function registerGcCommand(program: Command): void {
  program
    .command("gc")
    .description("Delete unkept merged models of finished sweeps and crash leftovers; show disk usage")
    .option("--dry-run", "only say what would be deleted")
    .option("--json", "print one JSON document")
    .action(
      action((options: { dryRun?: boolean; json?: boolean }) => {
        const report = collectGarbage(getDb(), getConfig().dataDir, { dryRun: options.dryRun });
        emit(options, report, () => {
          const verb = report.dryRun ? "would delete" : "deleted";
          const u = report.usage;
          return [
            `${verb} ${report.deleted.length} merged model(s), ${formatBytes(report.freedBytes)}`,
            ...report.deleted.map((item) => `  ${item.name} (${formatBytes(item.bytes)})`),
            `${verb} ${report.strays.length} leftover(s)${report.strays.length ? `: ${report.strays.join(", ")}` : ""}`,
            `disk: ${formatBytes(u.artifacts.bytes)} in ${u.artifacts.count} artifact(s), logs ${formatBytes(u.logsBytes)}; ${formatBytes(u.freeBytes)} free of ${formatBytes(u.totalBytes)} (${u.dataDir})`,
          ].join("\n");
        });
      }),
    );
}

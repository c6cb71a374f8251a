import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { getDb } from "../../../db";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { formatBytes } from "../../../lib/format";
import { parseFormats } from "../../../lib/report/files";
import { generateReport } from "../../../lib/report/service";
import { action, emit } from "../output";

interface ReportOptions {
  sweep: string[];
  run: string[];
  out: string;
  format?: string;
  metric?: string;
  title?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `report`: write a guideline report of sweeps and/or runs, and copy its files into --out. */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description("Write a report of sweeps and runs (HTML, PDF, Markdown, CSV/JSON) and copy its files into a directory")
    .option("--sweep <id>", "a sweep to report on (repeatable)", collect, [])
    .option("--run <name>", "a run to report on: its sweeps, branches and restarts (repeatable)", collect, [])
    .requiredOption("--out <dir>", "directory to copy the report's files into (created if missing)")
    .option("--format <list>", "forms to write: html,pdf,md,csv", "html,pdf,md,csv")
    .option("--metric <name>", "the metric to read (default: the one scored on the most merged models)")
    .option("--title <text>", "the report's title")
    .option("--json", "print one JSON document")
    .action(
      action(async (options: ReportOptions) => {
        const sweepIds = options.sweep.map((id) => {
          if (!/^\d+$/.test(id)) throw new PmaError("invalid_arguments", `--sweep: "${id}" is not a sweep id`);
          return Number(id);
        });
        if (sweepIds.length === 0 && options.run.length === 0) throw new PmaError("invalid_arguments", "name at least one --sweep or --run");
        const formats = parseFormats(options.format);
        const config = getConfig();
        const written = await generateReport(getDb(), config, { sweepIds, runNames: options.run, formats, metric: options.metric, title: options.title });
        const out = path.resolve(options.out);
        fs.mkdirSync(out, { recursive: true });
        for (const file of written.report.files) fs.copyFileSync(path.join(written.dir, file.name), path.join(out, file.name));
        const { report } = written;
        const body = { hash: report.hash, title: report.title, created: written.created, scope: report.scope, formats: report.formats, dir: written.dir, out, files: report.files };
        emit(options, body, () =>
          [
            `${written.created ? "wrote" : "found"} report ${report.hash.slice(0, 12)}: ${report.title}`,
            `${report.files.length} file(s), ${formatBytes(report.files.reduce((n, f) => n + f.bytes, 0))} (${report.formats.join(", ")}), copied to ${out}`,
            ...written.document.sections.flatMap((s) => s.conclusions.filter((c) => s.id === "summary" || c.kind === "contradiction").map((c) => `  - ${c.text}`)),
          ].join("\n"),
        );
      }),
    );
}

import { Command } from "commander";
import { closeDb } from "../../db";
import { registerRunsCommands } from "./commands/runs";
import { registerMergeCommand } from "./commands/merge";
import { registerPlanCommands } from "./commands/plan";
import { registerBenchCommand } from "./commands/bench";
import { registerServeCommand } from "./commands/serve";
import { registerWorkerCommands } from "./commands/worker";
import { registerLabCommands } from "./commands/lab";
import { registerSweepCommands } from "./commands/sweep";
import { registerJobsCommands } from "./commands/jobs";
import { registerGcCommand } from "./commands/gc";
import { registerEvaluatorsCommand } from "./commands/evaluators";
import { registerImportCommands } from "./commands/import";
import { registerSlurmCommands } from "./commands/slurm";
import { registerReportCommand } from "./commands/report";
import { registerInitCommands } from "./commands/init";
import { registerAuthCommands } from "./commands/auth";
import { registerCheckCommand } from "./commands/check";

const program = new Command()
  .name("pma-lab")
  .description("PMA Lab: record pre-training checkpoints, merge windows of them (SMA / WMA / EMA), and compare.")
  .showHelpAfterError();

// One line per command group; each module adds its own subcommands.
registerRunsCommands(program);
registerMergeCommand(program);
registerPlanCommands(program);
registerBenchCommand(program);
registerServeCommand(program);
registerWorkerCommands(program);
registerLabCommands(program);
registerSweepCommands(program);
registerJobsCommands(program);
registerGcCommand(program);
registerEvaluatorsCommand(program);
registerImportCommands(program);
registerSlurmCommands(program);
registerReportCommand(program);
registerInitCommands(program);
registerAuthCommands(program);
registerCheckCommand(program);

try {
  await program.parseAsync(process.argv);
} finally {
  closeDb();
}

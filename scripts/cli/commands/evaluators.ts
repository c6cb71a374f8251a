import type { Command } from "commander";
import { describeEvaluator } from "../../../lib/eval/describe";
import { evaluatorsConfigPath, loadEvaluators } from "../../../lib/eval/registry";
import { getConfig } from "../../../lib/env";
import { table } from "../../../lib/format";
import { action, emit } from "../output";

/** `evaluators`: what the administrator's config file (and the built-in) make available. */
export function registerEvaluatorsCommand(program: Command): void {
  program
    .command("evaluators")
    .description("List the configured evaluators (PMA_LAB_EVALUATORS, or <data dir>/evaluators.json, plus the built-in)")
    .option("--json", "print one JSON document")
    .action(
      action((options: { json?: boolean }) => {
        const dataDir = getConfig().dataDir;
        const registry = loadEvaluators(dataDir);
        const evaluators = registry.list().map(describeEvaluator);
        emit(options, { file: registry.file, evaluators }, () =>
          [
            table(
              ["name", "kind", "gpu", "timeout", "tasks / command"],
              evaluators.map((e) => [e.name, e.kind, e.gpu ? "yes" : "no", `${e.timeoutSeconds} s`, e.tasks?.join(",") ?? e.command?.join(" ") ?? e.description]),
            ),
            registry.file ? `from ${registry.file}` : `no config file (${evaluatorsConfigPath(dataDir).file}); only the built-in evaluator`,
          ].join("\n"),
        );
      }),
    );
}

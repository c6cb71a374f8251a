import type { Command } from "commander";
import { getDb } from "../../../db";
import { findRunByName } from "../../../db/queries";
import { PmaError } from "../../../lib/errors";
import { formatCount, table } from "../../../lib/format";
import { exportStoredRecipe, planRunGrid } from "../../../lib/sweeps/plan-run";
import { sweepRequestSchema } from "../../../lib/sweeps/request";
import { parseGridText } from "../../../lib/sweeps/text-grid";
import { action, emit } from "../output";

interface PlanOptions {
  run: string;
  points: string;
  n: string;
  interval: string;
  schemes: string;
  tolerance?: string;
  json?: boolean;
}

/** `plan` (preview a grid: which checkpoints, which weights, or why not) and `export-recipe`. */
export function registerPlanCommands(program: Command): void {
  program
    .command("plan")
    .description("Plan merge cells over a run: every cell's checkpoints and weights, or why it is infeasible")
    .requiredOption("--run <name>", "run name")
    .requiredOption("--points <list>", "merge points T in tokens: 1.2M,4B,… (or 500steps)")
    .requiredOption("--n <list>", "window sizes N: 3,6,10")
    .requiredOption("--interval <list>", "intervals V in tokens (or 100steps)")
    .option("--schemes <list>", "sma, wma, ema:<α>[:closed], custom:<w1>/<w2>/…", "sma")
    .option("--tolerance <tokens>", "how far a stand-in checkpoint may sit from its target (default 1% of V)")
    .option("--json", "print one JSON document")
    .action(
      action((options: PlanOptions) => {
        const db = getDb();
        const run = findRunByName(db, options.run);
        if (!run) throw new PmaError("run_not_found", `Run "${options.run}" is not registered`);
        const grid = sweepRequestSchema.parse({ run: run.name, ...parseGridText(options, run.tokensPerStep) });
        const { cells, plan } = planRunGrid(db, run.name, grid, grid.tolerance);
        const body = { run: run.name, distinctRecipes: plan.distinctRecipes, distinctCheckpoints: plan.matrix.checkpointIds.length, cells };
        emit(options, body, () =>
          [
            `run ${run.name}: ${cells.length} cell(s), ${cells.filter((c) => c.feasible).length} feasible, ${plan.distinctRecipes} distinct recipe(s) over ${plan.matrix.checkpointIds.length} checkpoint(s)`,
            table(
              ["scheme", "N", "V", "T", "merges (step:weight)"],
              cells.map((c) => [
                c.label,
                c.n,
                formatCount(c.interval),
                formatCount(c.point),
                c.feasible ? c.inputs.map((input) => `${input.step}:${input.weight.toFixed(3)}`).join(" ") : `infeasible: ${c.reason}`,
              ]),
            ),
          ].join("\n"),
        );
      }),
    );

  program
    .command("export-recipe")
    .description("Export a stored merge recipe so it can be reproduced outside PMA Lab")
    .argument("<id>", "recipe hash (or a unique prefix of at least 6 hex digits)")
    .option("--format <format>", "output format (mergekit)", "mergekit")
    .option("--dtype <dtype>", "output dtype for mergekit (BF16, F16, F32); default: the inputs'")
    .option("--json", "print one JSON document")
    .action(
      action((id: string, options: { format: string; dtype?: string; json?: boolean }) => {
        if (options.format !== "mergekit") throw new PmaError("invalid_arguments", `--format: only "mergekit" is supported, got "${options.format}"`);
        const exported = exportStoredRecipe(getDb(), id, { dtype: options.dtype });
        emit(options, { hash: exported.hash, format: "mergekit", yaml: exported.yaml }, () => exported.yaml.trimEnd());
      }),
    );
}

import type { Command } from "commander";
import { getDb } from "../../../db";
import { listRuns } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { registerRequestSchema } from "../../../lib/checkpoints/register-request";
import { hashRunCheckpoints } from "../../../lib/checkpoints/hash";
import { inspectPath } from "../../../lib/checkpoints/inspect";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { formatBytes, formatCount, table } from "../../../lib/format";
import { action, emit } from "../output";

interface ScanOptions {
  run: string;
  tokensPerStep?: string;
  schedule?: string;
  branchOf?: string;
  forkTokens?: string;
  kind?: string;
  initFrom?: string;
  json?: boolean;
}

/** `scan`, `inspect` and `runs`: getting checkpoints into the registry and looking at them. */
export function registerRunsCommands(program: Command): void {
  program
    .command("scan")
    .description("Register (or rescan) a run's checkpoint directory")
    .argument("<dir>", "directory holding checkpoint-<step>/, step-<n>/, iter_<n>/ ... subdirectories")
    .requiredOption("--run <name>", "run name")
    .option("--tokens-per-step <n>", "tokens consumed per optimizer step")
    .option("--schedule <spec>", "declared LR schedule: warmup:W,stable:S[,decay:D] (steps at which each phase ends)")
    .option("--branch-of <run>", "the run this one was forked from (e.g. for an annealed baseline)")
    .option("--fork-tokens <n>", "token count at which the branch was forked")
    .option("--kind <label>", "free-form label: constant, annealed, unstable, ...")
    .option("--init-from <recipe|dir>", "PMA-init lineage: the recipe hash or merged checkpoint directory (pma-lab init) this run resumed from")
    .option("--json", "print one JSON document")
    .action(
      action(async (dir: string, options: ScanOptions) => {
        const parsed = registerRequestSchema.safeParse({ directory: dir, ...options });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new PmaError("invalid_arguments", `--${String(issue.path[0] ?? "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
        }
        const result = await registerCheckpoints(getDb(), getConfig(), parsed.data);
        emit(options, result, () => {
          const lines = [
            `run ${result.run}: ${result.checkpoints.length} checkpoint(s) — ${result.added} added, ${result.updated} updated, ${result.missing} gone missing; ${result.logPoints} log points` +
              (result.initRecipeHash ? `; initialised from recipe ${result.initRecipeHash.slice(0, 12)}` : ""),
            table(
              ["step", "tokens", "lr", "phase", "params", "bytes"],
              result.checkpoints.map((c) => [c.step, formatCount(c.tokens), c.lr?.toExponential(2) ?? "—", c.phase ?? "—", formatCount(c.params), formatBytes(c.bytes)]),
            ),
            ...result.warnings.map((warning) => `warning: ${warning}`),
            ...result.rejected.map((rejection) => `rejected: ${rejection.path}: ${rejection.reason}`),
          ];
          return lines.join("\n");
        });
      }),
    );

  program
    .command("inspect")
    .description("Validate a safetensors file or checkpoint directory and describe it")
    .argument("<path>", "a .safetensors file or a checkpoint directory")
    .option("--json", "print one JSON document")
    .action(
      action(async (target: string, options: { json?: boolean }) => {
        const description = await inspectPath(target, getConfig().roots);
        emit(options, description, () =>
          [
            `${description.path}: ${description.format}, ${description.tensors.length} tensors, ${formatCount(description.params)} parameters, ${formatBytes(description.bytes)}, dtypes ${description.dtypes.join(", ")}`,
            table(
              ["tensor", "dtype", "shape", "bytes"],
              description.tensors.map((t) => [t.name, t.dtype, `[${t.shape.join(", ")}]`, formatBytes(t.bytes)]),
            ),
          ].join("\n"),
        );
      }),
    );

  program
    .command("runs")
    .description("List registered runs")
    .option("--json", "print one JSON document")
    .action(
      action((options: { json?: boolean }) => {
        const runs = listRuns(getDb());
        emit(options, { runs }, () =>
          runs.length === 0
            ? "No runs registered yet. Register one with: pma-lab scan DIR --run NAME"
            : table(
                ["run", "kind", "branch of", "checkpoints", "tokens", "params"],
                runs.map((run) => [
                  run.name,
                  run.kind ?? "",
                  run.parentName ? `${run.parentName} @ ${formatCount(run.forkTokens)}` : "",
                  run.checkpointCount + (run.missingCount ? ` (+${run.missingCount} missing)` : ""),
                  `${formatCount(run.minTokens)} – ${formatCount(run.maxTokens)}`,
                  formatCount(run.params),
                ]),
              ),
        );
      }),
    );

  program
    .command("hash")
    .description("Compute the full sha256 of a run's checkpoints (those not hashed yet)")
    .requiredOption("--run <name>", "run name")
    .option("--step <n>", "only this step")
    .option("--force", "re-hash checkpoints that already have a sha256")
    .option("--json", "print one JSON document")
    .action(
      action(async (options: { run: string; step?: string; force?: boolean; json?: boolean }) => {
        const step = options.step === undefined ? undefined : Number(options.step);
        if (step !== undefined && !Number.isSafeInteger(step)) throw new PmaError("invalid_arguments", "--step: expected an integer");
        const hashed = await hashRunCheckpoints(getDb(), getConfig().roots, options.run, {
          step,
          force: options.force,
          onProgress: options.json ? undefined : (done, total) => process.stderr.write(`\rhashed ${done}/${total}`),
        });
        if (!options.json && hashed.length > 0) process.stderr.write("\n");
        emit(options, { run: options.run, hashed }, () =>
          hashed.length === 0 ? "Nothing to hash: every checkpoint already has a sha256." : table(["step", "sha256"], hashed.map((h) => [h.step, h.sha256])),
        );
      }),
    );
}

import type { Command } from "commander";
import { getDb } from "../../../db";
import { findRunByName } from "../../../db/queries";
import { getConfig } from "../../../lib/env";
import { PmaError } from "../../../lib/errors";
import { formatBytes, table } from "../../../lib/format";
import { detectRunSpikes } from "../../../lib/init/spikes";
import { startPmaInit, type PmaInitStarted } from "../../../lib/init/start";
import { DEFAULT_INIT_K } from "../../../lib/init/select";
import { formatTokens } from "../../../lib/merge/plan";
import { parseSchemeList } from "../../../lib/merge/weights";
import { parseTokenCount } from "../../../lib/sweeps";
import { action, emit } from "../output";

interface InitOptions {
  run: string;
  before?: string;
  atSpike?: string;
  k: string;
  scheme: string;
  json?: boolean;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim())) throw new PmaError("invalid_arguments", `${flag}: expected a whole number, got "${text}"`);
  return Number(text);
}

function render(started: PmaInitStarted): string {
  const { selection, lineage } = started.plan;
  const head = {
    queued: `queued job #${started.jobId}: a worker writes it`,
    "in-flight": `already being made by job #${started.jobId}`,
    published: "already published",
  }[started.status];
  return [
    `PMA-init of ${lineage.source.run}: ${selection.label}, ${head}`,
    table(
      ["step", "tokens", "weight"],
      selection.inputs.map((input) => [input.step, input.tokens === null ? "—" : formatTokens(input.tokens), input.weight.toPrecision(6)]),
    ),
    ...selection.notes.map((note) => `note: ${note}`),
    `checkpoint: ${started.path} (≈ ${formatBytes(started.estimatedBytes)}); resume at step ${lineage.resumeAt.step}`,
    `recipe ${started.recipeHash} — register the resumed run with: pma-lab scan DIR --run NAME --init-from ${started.path}`,
  ].join("\n");
}

/** `init` (PMA-init / spike recovery) and `spikes` (the loss spikes `init --at-spike` numbers). */
export function registerInitCommands(program: Command): void {
  program
    .command("init")
    .description("PMA-init: merge the last k checkpoints before a loss spike or a point into a ready-to-resume checkpoint (queued for a worker)")
    .requiredOption("--run <name>", "run name")
    .option("--before <tokens>", "end the window at this point: the last k checkpoints at or before it (1.2M, 4B, 500steps)")
    .option("--at-spike <n>", "end the window before the n-th loss spike (see pma-lab spikes)")
    .option("--k <k>", "checkpoints to average (the paper used 3)", String(DEFAULT_INIT_K))
    .option("--scheme <scheme>", "weighting: sma, wma, ema:<α>[:closed]", "sma")
    .option("--json", "print one JSON document")
    .action(
      action((options: InitOptions) => {
        if ((options.before === undefined) === (options.atSpike === undefined)) throw new PmaError("invalid_arguments", "give exactly one of --before TOKENS and --at-spike N");
        const db = getDb();
        const run = findRunByName(db, options.run);
        if (!run) throw new PmaError("run_not_found", `no run named "${options.run}"`);
        const schemes = parseSchemeList(options.scheme);
        if (schemes.length !== 1) throw new PmaError("invalid_arguments", "--scheme: give one scheme");
        const target = options.before !== undefined ? { tokens: parseTokenCount(options.before, run.tokensPerStep) } : { spike: wholeNumber(options.atSpike!, "--at-spike") };
        const started = startPmaInit(db, { run: options.run, target, k: wholeNumber(options.k, "--k"), scheme: schemes[0] }, { dataDir: getConfig().dataDir });
        emit(options, started, () => render(started));
      }),
    );

  program
    .command("spikes")
    .description("Loss spikes detected in a run's training log (numbered as init --at-spike takes them)")
    .requiredOption("--run <name>", "run name")
    .option("--json", "print one JSON document")
    .action(
      action((options: { run: string; json?: boolean }) => {
        const db = getDb();
        const run = findRunByName(db, options.run);
        if (!run) throw new PmaError("run_not_found", `no run named "${options.run}"`);
        const spikes = detectRunSpikes(db, run.id);
        emit(options, { run: run.name, spikes }, () =>
          spikes.length === 0
            ? `No loss spike detected in ${run.name}'s training log.`
            : table(
                ["spike", "from step", "tokens", "peak step", "baseline", "peak", "rise", "until step", "recovered"],
                spikes.map((spike, i) => [
                  i + 1,
                  spike.startStep,
                  spike.startTokens === null ? "—" : formatTokens(spike.startTokens),
                  spike.peakStep,
                  spike.baseline.toFixed(4),
                  Number.isFinite(spike.peak) ? spike.peak.toFixed(4) : String(spike.peak),
                  Number.isFinite(spike.rise) ? `+${(100 * spike.rise).toFixed(1)}%` : "∞",
                  spike.endStep,
                  spike.recovered ? "yes" : "no",
                ]),
              ),
        );
      }),
    );
}

import type { Command } from "commander";
import { PmaError } from "../../../lib/errors";
import { defaultBenchDir, defaultThreads, runMergeBench } from "../../bench/merge-bench";
import { renderBenchReport } from "../../bench/report";
import { action } from "../output";

interface BenchMergeOptions {
  checkpoints: string;
  sizeMib: string;
  threads?: string;
  dir?: string;
  outDir?: string;
  repeat: string;
  keep?: boolean;
  cache: string;
  json?: boolean;
}

/** `bench merge`: the merge engine's benchmark (also `npm run bench:merge`). */
export function registerBenchCommand(program: Command): void {
  const bench = program.command("bench").description("Benchmarks");
  bench
    .command("merge")
    .description("Time the merge engine on synthetic bf16 checkpoints: read floor, one merge, a fused sweep vs. cell by cell")
    .option("--checkpoints <n>", "number of synthetic checkpoints", "8")
    .option("--size-mib <mib>", "size of each checkpoint in MiB", "256")
    .option("--threads <k>", "merge threads (default: all cores)")
    .option("--dir <dir>", "working directory (default: <tmp>/pma-lab-bench; removed afterwards unless --keep)")
    .option("--out-dir <dir>", "where merged outputs go (default: /dev/shm when it has room, else <dir>/outputs)")
    .option("--repeat <r>", "run each timed phase r times and report the fastest (for shared machines)", "1")
    .option("--keep", "keep the synthetic checkpoints for the next run")
    .option("--cache <mode>", "warm: reads from the page cache; cold: inputs dropped from it before each phase and each cell of (d)", "warm")
    .option("--json", "print only the JSON result")
    .action(
      action(async (options: BenchMergeOptions) => {
        const number = (flag: string, text: string) => {
          const v = Number(text);
          if (!Number.isFinite(v) || v <= 0) throw new PmaError("invalid_arguments", `${flag}: expected a positive number, got "${text}"`);
          return v;
        };
        if (options.cache !== "warm" && options.cache !== "cold") throw new PmaError("invalid_arguments", `--cache: expected warm or cold, got "${options.cache}"`);
        const report = await runMergeBench({
          cache: options.cache,
          checkpoints: Math.floor(number("--checkpoints", options.checkpoints)),
          sizeMiB: number("--size-mib", options.sizeMib),
          threads: options.threads ? Math.floor(number("--threads", options.threads)) : defaultThreads(),
          dir: options.dir ?? defaultBenchDir(),
          outDir: options.outDir,
          repeat: Math.floor(number("--repeat", options.repeat)),
          keep: options.keep ?? false,
          onPhase: options.json ? undefined : (label) => process.stderr.write(`… ${label}\n`),
        });
        if (!options.json) process.stdout.write(`${renderBenchReport(report)}\n`);
        process.stdout.write(`${JSON.stringify(report)}\n`);
      }),
    );
}

import cliProgress from "cli-progress";
import type { Command } from "commander";
import { PmaError } from "../../../lib/errors";
import { formatBytes } from "../../../lib/format";
import { executeMerge } from "../../../lib/merge/execute";
import type { MergeProgress, OutputDtypeChoice } from "../../../lib/merge/execute";
import { computeWeights, formatSchemeLabel, schemeSpecSchema, type SchemeSpec } from "../../../lib/merge/weights";
import { action, emit } from "../output";

interface MergeCliOptions {
  out: string;
  scheme?: string;
  alpha?: string;
  emaForm?: string;
  weights?: string;
  rawWeights?: boolean;
  dtype?: string;
  shardSize?: string;
  threads?: string;
  json?: boolean;
}

const DTYPES: Record<string, OutputDtypeChoice> = { bf16: "BF16", fp16: "F16", f16: "F16", fp32: "F32", f32: "F32", input: "input" };

/** `merge`: one weighted average of checkpoints (oldest first) written in HF layout with a provenance manifest. */
export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description("Merge checkpoints (oldest first) into a new HF-layout checkpoint")
    .argument("<checkpoints...>", "checkpoint directories, oldest first")
    .requiredOption("--out <dir>", "output directory (must not exist)")
    .option("--scheme <name>", "sma | wma | ema | custom (custom is implied by --weights)")
    .option("--alpha <a>", "EMA α in (0, 1]", "0.2")
    .option("--ema-form <form>", "EMA reading: recursive (the paper's recursion) | closed (renormalised)", "recursive")
    .option("--weights <w1,w2,…>", "custom weights, one per checkpoint, oldest first (normalised to sum 1)")
    .option("--raw-weights", "use --weights exactly as given instead of normalising them")
    .option("--dtype <dtype>", "output dtype of float tensors: bf16 | fp16 | fp32 (default: each tensor's input dtype)")
    .option("--shard-size <size>", "split the output into shards of at most this size, e.g. 5GB or 500MiB")
    .option("--threads <k>", "worker threads (default: all cores); results are identical for any count")
    .option("--json", "print one JSON document")
    .action(
      action(async (checkpoints: string[], options: MergeCliOptions) => {
        const spec = parseScheme(options);
        const weights = computeWeights(spec, checkpoints.length);
        const outputDtype = parseDtype(options.dtype);
        const bar = startProgressBar(options);
        try {
          const result = await executeMerge({
            inputs: checkpoints,
            outputs: [{ outDir: options.out, weights, outputDtype, shardBytes: parseSize(options.shardSize), manifest: { scheme: spec, label: formatSchemeLabel(spec) } }],
            threads: options.threads === undefined ? undefined : parseThreads(options.threads),
            onProgress: bar?.update,
          });
          bar?.stop();
          const out = result.outputs[0];
          const data = { out: out.outDir, sha256: out.sha256, bytesRead: result.bytesRead, bytesWritten: out.bytesWritten, seconds: result.seconds, weights };
          emit(options, data, () =>
            [
              `merged ${checkpoints.length} checkpoint(s) with ${formatSchemeLabel(spec)} → ${out.outDir}`,
              `weights  ${weights.map((w) => w.toPrecision(4)).join(", ")}`,
              `read     ${formatBytes(result.bytesRead)}, wrote ${formatBytes(out.bytesWritten)} in ${result.seconds.toFixed(2)} s (${formatBytes(result.bytesRead / result.seconds)}/s)`,
              `sha256   ${out.sha256}`,
            ].join("\n"),
          );
        } finally {
          bar?.stop();
        }
      }),
    );
}

function parseScheme(options: MergeCliOptions): SchemeSpec {
  const name = (options.scheme ?? (options.weights ? "custom" : "sma")).toLowerCase();
  const raw =
    name === "ema"
      ? { scheme: name, alpha: Number(options.alpha), form: options.emaForm }
      : name === "custom"
        ? { scheme: name, weights: (options.weights ?? "").split(",").filter((w) => w.trim() !== "").map(Number), normalise: !options.rawWeights }
        : { scheme: name };
  if (name === "custom" && !options.weights) throw new PmaError("invalid_arguments", "--scheme custom needs --weights w1,w2,…");
  if (name !== "custom" && options.weights) throw new PmaError("invalid_arguments", `--weights only goes with --scheme custom, not ${name}`);
  const parsed = schemeSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PmaError("invalid_arguments", `--scheme ${name}: ${issue.path.join(".") || "scheme"}: ${issue.message}`);
  }
  return parsed.data;
}

function parseDtype(text: string | undefined): OutputDtypeChoice {
  if (text === undefined) return "input";
  const dtype = DTYPES[text.toLowerCase()];
  if (!dtype) throw new PmaError("invalid_arguments", `--dtype must be bf16, fp16 or fp32, got "${text}"`);
  return dtype;
}

function parseThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new PmaError("invalid_arguments", `--threads must be a whole number from 1 to 1024, got "${text}"`);
  return n;
}

const UNITS: Record<string, number> = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** "5GB" (HF's own unit, 10^9), "500MiB", "1048576". */
export function parseSize(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) * unit >= 1)) throw new PmaError("invalid_arguments", `--shard-size: expected a size such as 5GB or 500MiB, got "${text}"`);
  return Math.floor(Number(m[1]) * unit);
}

/** A bytes / rate / ETA bar on stderr, only on a terminal and never with --json. */
function startProgressBar(options: { json?: boolean }): { update: (p: MergeProgress) => void; stop: () => void } | null {
  if (options.json || !process.stderr.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "merging [{bar}] {percentage}% | {read} of {all} | {rate}/s | ETA {eta_formatted} | {tensors} tensors",
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    update: (p) => {
      const fields = { read: formatBytes(p.bytesRead), all: formatBytes(p.bytesTotal), rate: formatBytes(p.bytesRead / Math.max(1e-3, (Date.now() - started) / 1000)), tensors: `${p.tensorsDone}/${p.tensorsTotal}` };
      if (!running) {
        bar.start(p.bytesTotal, p.bytesRead, fields);
        running = true;
      } else bar.update(p.bytesRead, fields);
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

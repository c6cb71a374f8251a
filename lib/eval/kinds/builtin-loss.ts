import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PmaError } from "../../errors";
import type { MetricRecord } from "../metrics";
import type { EvaluatorKind } from "./types";

const settings = z
  .object({
    sequences: z.number().int().positive().max(100_000).optional(),
    seqLen: z.number().int().positive().max(65_536).optional(),
    batch: z.number().int().positive().max(4096).optional(),
  })
  .strict();

export type BuiltinLossSettings = z.output<typeof settings>;

/**
 * The reference lab's held-out loss (lib/lab): in-process, CPU, deterministic. Loaded lazily so that listing
 * evaluators never pulls in the autodiff library. It cannot be killed mid-way like a process, so a timeout
 * fails the job while the computation finishes in the background.
 */
export const builtinLossKind: EvaluatorKind<BuiltinLossSettings> = {
  kind: "builtin-loss",
  description: "held-out next-byte loss of the reference model (in-process, CPU)",
  settings,
  async run(definition, context) {
    const { evaluateCheckpointDir } = await import("../../lab/evaluate");
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PmaError("eval_timeout", `evaluator ${definition.name} timed out after ${definition.timeoutSeconds} s`)), definition.timeoutSeconds * 1000);
    });
    const cancelled = new Promise<never>((_, reject) => {
      context.signal?.addEventListener("abort", () => reject(new PmaError("eval_cancelled", `evaluator ${definition.name} was cancelled`, { permanent: false })), { once: true });
    });
    try {
      const result = await Promise.race([evaluateCheckpointDir(context.modelDir, definition.settings), timeout, cancelled]);
      const metrics: MetricRecord[] = [
        { name: "heldout/loss", value: result.loss, stderr: null, n: result.tokens, higherIsBetter: false },
        { name: "heldout/perplexity", value: result.perplexity, stderr: null, n: result.tokens, higherIsBetter: false },
        { name: "heldout/bits_per_byte", value: result.bitsPerByte, stderr: null, n: result.tokens, higherIsBetter: false },
      ];
      fs.writeFileSync(path.join(context.outputDir, "metrics.json"), `${JSON.stringify({ metrics: metrics.map(({ higherIsBetter, ...m }) => ({ ...m, higher_is_better: higherIsBetter })) }, null, 2)}\n`);
      context.log(`${definition.name}: loss ${result.loss.toFixed(4)} nats/byte over ${result.tokens} bytes`);
      return { metrics, rawFiles: ["metrics.json"], warnings: [], details: { durationMs: Date.now() - started } };
    } finally {
      clearTimeout(timer);
    }
  },
};

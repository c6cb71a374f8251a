import { resolve } from "node:path";
import { isPmaError, PmaError } from "../../errors";
import type { ExecuteOptions } from "./types";
import { describeDiff, type TensorDiff } from "./validate";

/** Argument checks and error shaping for executeMerge, kept pure. */
export function checkOutputs(options: ExecuteOptions): void {
  const n = options.inputs.length;
  if (n === 0) throw new PmaError("merge_invalid", "a merge needs at least one input checkpoint");
  if (options.outputs.length === 0) throw new PmaError("merge_invalid", "a merge needs at least one output");
  const dirs = new Set<string>();
  const inputs = new Set(options.inputs.map((p) => resolve(p)));
  options.outputs.forEach((o, k) => {
    if (!o.outDir && !o.consumer) throw new PmaError("merge_invalid", `output ${k + 1} has neither an output directory nor a consumer`);
    if (o.weights.length !== n) {
      throw new PmaError("merge_weights_invalid", `output ${k + 1} has ${o.weights.length} weights for ${n} inputs`, { details: { output: k, weights: o.weights.length, inputs: n } });
    }
    if (!o.weights.every((w) => typeof w === "number" && Number.isFinite(w))) {
      throw new PmaError("merge_weights_invalid", `output ${k + 1} has a weight that is not a finite number`, { details: { output: k } });
    }
    if (o.weights.every((w) => w === 0)) throw new PmaError("merge_weights_invalid", `output ${k + 1} gives every input weight 0`, { details: { output: k } });
    if (o.shardBytes !== undefined && !(Number.isSafeInteger(o.shardBytes) && o.shardBytes > 0)) {
      throw new PmaError("merge_invalid", `output ${k + 1}: shard size must be a positive number of bytes`);
    }
    if (o.outDir) {
      const dir = resolve(o.outDir);
      if (dirs.has(dir)) throw new PmaError("merge_invalid", `two outputs write to ${o.outDir}`);
      if (inputs.has(dir)) throw new PmaError("merge_output_exists", `${o.outDir} is an input checkpoint`);
      dirs.add(dir);
    }
  });
}

/** Indices of the inputs some output gives a non-zero weight; the others are never opened or read. */
export function effectiveInputs(options: ExecuteOptions): number[] {
  return options.inputs.map((_, i) => i).filter((i) => options.outputs.some((o) => o.weights[i] !== 0));
}

const MAX_LISTED = 5;

export function diffError(diff: TensorDiff[]): PmaError {
  const shown = diff.slice(0, MAX_LISTED).map(describeDiff).join("; ");
  const more = diff.length > MAX_LISTED ? `; and ${diff.length - MAX_LISTED} more` : "";
  return new PmaError("merge_inputs_mismatch", `the input checkpoints cannot be merged: ${shown}${more}`, { details: diff });
}

/** ENOSPC/EDQUOT anywhere in the cause chain becomes `disk_full` (retryable once space is freed). */
export function mapDiskFull(error: unknown): unknown {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const errno = isPmaError(e) ? (e.details as { errno?: unknown } | undefined)?.errno : undefined;
    if (code === "ENOSPC" || code === "EDQUOT" || errno === "ENOSPC" || errno === "EDQUOT") {
      return new PmaError("disk_full", "the disk is full: the merge was not written (partial output removed); free space and retry", {
        permanent: false,
        cause: error,
      });
    }
  }
  return error;
}

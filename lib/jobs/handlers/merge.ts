import { fingerprintCheckpoint } from "../../checkpoints/fingerprint";
import { listTree } from "../../disk";
import { PmaError } from "../../errors";
import { openCheckpoint } from "../../safetensors/checkpoint";
import { executeMerge } from "../../merge/execute";
import type { MergePassPayload } from "../kinds";
import type { JobHandler } from "../worker/context";
import { testWriteThrottle } from "./throttle";

/**
 * `merge` and `sweep-pass`: one streaming pass over the payload's checkpoints (oldest first) writes every output
 * into its attempt-scoped partial directory; then each output goes through the fenced publish. The recipe was
 * fixed when the sweep was created, so the worker merges exactly what the preview showed.
 */
export const mergeHandler: JobHandler<MergePassPayload> = async (context) => {
  const { payload } = context.job;
  const inputs = await Promise.all(payload.inputs.map((input) => context.resolveInput(input.path)));
  await checkUnchanged(payload, inputs);
  const outDirs = await Promise.all(payload.outputs.map((output) => context.outputs.prepare(output.name, { create: false })));
  context.log(`merging ${payload.outputs.length} output(s) from ${inputs.length} checkpoint(s) on ${context.threads} thread(s)`);
  context.progress({ phase: "reading", bytesDone: 0, outputsDone: 0, outputsTotal: payload.outputs.length });
  const result = await executeMerge(
    {
      inputs,
      inputIds: payload.inputs.map((input) => input.identity),
      outputs: payload.outputs.map((output, k) => ({
        outDir: outDirs[k],
        weights: output.weights,
        outputDtype: output.outputDtype,
        manifest: { recipeHash: output.recipeHash, runId: payload.runId, sweepId: payload.sweepId ?? null, jobId: context.job.id, attempt: context.job.attempt },
      })),
      threads: context.threads,
      signal: context.signal,
      onProgress: (progress) =>
        context.progress({
          phase: "merging",
          bytesDone: progress.bytesRead,
          bytesTotal: progress.bytesTotal,
          outputsDone: 0,
          outputsTotal: payload.outputs.length,
          message: `${progress.tensorsDone}/${progress.tensorsTotal} tensors`,
        }),
    },
    testWriteThrottle(context),
  );
  context.log(`merged: read ${result.bytesRead} bytes in ${result.seconds.toFixed(2)} s`);
  const published = [];
  for (const [k, output] of payload.outputs.entries()) {
    const entries = listTree(outDirs[k]);
    const summary = { bytes: entries.reduce((total, entry) => total + entry.bytes, 0), sha256: result.outputs[k].sha256!, files: entries.map((entry) => entry.file) };
    context.progress({ phase: "publishing", bytesDone: result.bytesRead, bytesTotal: result.bytesRead, outputsDone: k, outputsTotal: payload.outputs.length });
    const status = await context.outputs.publish(output.name, summary);
    published.push({ recipeHash: output.recipeHash, name: output.name, status, sha256: summary.sha256, bytes: summary.bytes });
  }
  return { outputs: published, bytesRead: result.bytesRead, seconds: result.seconds, threads: result.threads };
};

/**
 * Before any work: every input must still be the checkpoint that was registered (and whose identity the recipe was
 * hashed with). Its fingerprint — each shard's size, modification time and header layout — changes when a file is
 * rewritten or a byte of it is changed in place; such a checkpoint is refused, not merged. (Bit rot that leaves the
 * modification time alone is what `pma-lab hash --force` compares against the recorded sha256.)
 */
async function checkUnchanged(payload: MergePassPayload, dirs: string[]): Promise<void> {
  for (const [i, input] of payload.inputs.entries()) {
    const expected = input.fingerprint ?? (input.identity.startsWith("fp:") ? input.identity : undefined);
    if (!expected) continue;
    const actual = await fingerprintCheckpoint(await openCheckpoint(dirs[i]));
    if (actual !== expected) {
      throw new PmaError("checkpoint_changed", `${input.path} changed after it was registered (fingerprint ${actual}, registered ${expected}); nothing was merged. Rescan the run, then create the sweep again`, {
        permanent: true,
      });
    }
  }
}

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { listTree } from "../../disk";
import { LINEAGE_FILE } from "../../init/lineage";
import type { MergePassPayload, PmaInitPayload } from "../kinds";
import type { JobContext, JobHandler } from "../worker/context";
import { mergeHandler } from "./merge";

/**
 * `pma-init`: the merge handler's one-output pass (weights, config and tokenizer from the newest input, the
 * provenance manifest), plus the lineage file, written into the attempt's partial directory just before the
 * fenced publish — so the checkpoint appears whole, lineage included, or not at all.
 */
export const pmaInitHandler: JobHandler<PmaInitPayload> = async (context) => {
  const { payload } = context.job;
  const merge: MergePassPayload = {
    runId: payload.runId,
    inputs: payload.inputs,
    outputs: [{ recipeHash: payload.recipeHash, name: payload.name, weights: payload.weights, outputDtype: payload.outputDtype }],
    accumulate: payload.accumulate,
  };
  const prepared = new Map<string, string>();
  const withLineage: JobContext<MergePassPayload> = {
    ...context,
    job: { ...context.job, payload: merge },
    outputs: {
      async prepare(name, options) {
        const dir = await context.outputs.prepare(name, options);
        prepared.set(name, dir);
        return dir;
      },
      async publish(name, summary) {
        const dir = prepared.get(name)!;
        await writeFile(path.join(dir, LINEAGE_FILE), `${JSON.stringify(payload.lineage, null, 2)}\n`);
        const entries = listTree(dir);
        return context.outputs.publish(name, { ...summary, bytes: entries.reduce((total, entry) => total + entry.bytes, 0), files: entries.map((entry) => entry.file) });
      },
    },
  };
  context.log(`PMA-init of ${payload.lineage.source.run}: ${payload.lineage.label}`);
  return mergeHandler(withLineage);
};

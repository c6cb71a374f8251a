import { availableParallelism } from "node:os";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { openCheckpoint, type OpenedCheckpoint } from "../../safetensors/checkpoint";
import { DTYPE_SIZES } from "../../safetensors/dtypes";
import { formatShardIndex } from "../../safetensors/shard-index";
import type { KernelPool } from "../kernel/pool";
import { acquirePool, releasePool } from "../kernel/pool-cache";
import { checkCopiedTensors } from "./copy-check";
import { InputReader } from "./input-reader";
import { buildManifest, MANIFEST_FILE } from "./manifest";
import { openOutputFile } from "./output-file";
import { assertOutputFree, copyCompanionFiles, createPartialDir, discardDir, publishDir, syncPath } from "./output-dir";
import { OutputSink, type WrittenFile } from "./output-sink";
import { pipelineBytes, runPipeline, SLOTS } from "./pipeline";
import { type ExecutionPlan, planExecution } from "./plan";
import type { ExecuteDeps, ExecuteOptions, ExecuteResult, OutputResult } from "./types";
import { checkOutputs, diffError, effectiveInputs, mapDiskFull } from "./checks";
import { validateInputs } from "./validate";

/**
 * Runs a merge, or a fused sweep of merges, in one streaming pass over the distinct input checkpoints: every
 * input byte is read once, however many outputs use it. Refuses mismatched inputs before creating anything;
 * outputs appear whole (renamed from a partial directory) or not at all.
 */
const DEFAULT_DEPS: ExecuteDeps = { openCheckpoint, openWriter: openOutputFile, now: () => Date.now() };

/** Chunk buffers of all slots stay under this (the engine's memory bound; the benchmark checks peak RSS). */
const BUFFER_BUDGET_BYTES = 256 * 1024 * 1024;
/** 1M elements (2 MiB of bf16 per input): measured best on 2 cores; larger chunks pipeline worse. */
const MAX_CHUNK_ELEMENTS = 1024 * 1024;

export async function executeMerge(options: ExecuteOptions, deps: Partial<ExecuteDeps> = {}): Promise<ExecuteResult> {
  const d = { ...DEFAULT_DEPS, ...deps };
  const startedAt = d.now();
  checkOutputs(options);
  const used = effectiveInputs(options);
  const inputs = await Promise.all(used.map((i) => d.openCheckpoint(options.inputs[i])));
  const diff = validateInputs(inputs);
  if (diff.length > 0) throw diffError(diff);
  for (const o of options.outputs) if (o.outDir) await assertOutputFree(o.outDir);

  const weights = options.outputs.map((o) => used.map((i) => o.weights[i]));
  const plan = planExecution(inputs, options.outputs, weights, (inWidth, outWidth) => {
    if (options.chunkElements !== undefined) return options.chunkElements;
    const perElement = SLOTS * (inputs.length * inWidth + options.outputs.length * outWidth);
    return Math.min(MAX_CHUNK_ELEMENTS, Math.floor(BUFFER_BUDGET_BYTES / perElement));
  });
  const reader = await InputReader.open(inputs);
  let pool: KernelPool | null = null;
  const partials: (string | null)[] = [];
  let sinks: OutputSink[] = [];
  try {
    const contentDiff = await checkCopiedTensors(plan, reader, inputs.map((c) => c.dir));
    if (contentDiff.length > 0) throw diffError(contentDiff);
    const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
    pool = await acquirePool({ threads, memoryBytes: pipelineBytes(plan, threads), maxInputs: inputs.length });
    for (const o of options.outputs) partials.push(o.outDir ? await createPartialDir(o.outDir) : null);
    const threadPool = pool;
    // The default writer hashes on the merge threads; an injected one (tests) does what it does.
    const openWriter = deps.openWriter ?? ((filePath: string, header: Uint8Array) => openOutputFile(filePath, header, threadPool.createHasher()));
    sinks = options.outputs.map((o, k) => new OutputSink(plan, k, partials[k], o.consumer, openWriter));
    for (const sink of sinks) await sink.begin();

    const bytesTotal = estimateBytes(plan);
    let tensorsDone = 0;
    const progress = () => options.onProgress?.({ bytesRead: reader.bytesRead, bytesTotal, tensorsDone, tensorsTotal: plan.tensors.length });
    await runPipeline(plan, pool, reader, sinks, { signal: options.signal, onRead: progress, onTensorDone: () => (tensorsDone++, progress()) });

    const outputs: OutputResult[] = [];
    for (const [k, sink] of sinks.entries()) {
      const files = await sink.finish();
      const partial = partials[k];
      const spec = options.outputs[k];
      if (!partial || !spec.outDir) {
        outputs.push({ bytesWritten: 0, files: [] });
        continue;
      }
      outputs.push(await completeDir({ plan, k, partial, files, inputs, options, bytesRead: reader.bytesRead, startedAt, now: d.now }));
      await publishDir(partial, spec.outDir);
      partials[k] = null;
    }
    return { outputs, bytesRead: reader.bytesRead, seconds: (d.now() - startedAt) / 1000, threads: pool.threads };
  } catch (error) {
    await Promise.allSettled(sinks.map((s) => s.abort()));
    await Promise.allSettled(partials.filter((p): p is string => p !== null).map((p) => discardDir(p)));
    throw mapDiskFull(error);
  } finally {
    await reader.close();
    if (pool) await releasePool(pool);
  }
}

interface CompleteArgs {
  plan: ExecutionPlan;
  k: number;
  partial: string;
  files: WrittenFile[];
  inputs: OpenedCheckpoint[];
  options: ExecuteOptions;
  bytesRead: number;
  startedAt: number;
  now: () => number;
}

/** Index (when sharded), config and tokenizer files, and the manifest; all fsynced before the rename. */
async function completeDir(a: CompleteArgs): Promise<OutputResult> {
  const out = a.plan.outputs[a.k];
  const names = a.files.map((f) => f.name);
  let sha256 = a.files[0].sha256;
  if (a.files.length > 1) {
    const weightMap: Record<string, string> = {};
    out.files.forEach((f) => f.tensors.forEach((t) => (weightMap[a.plan.tensors[t].name] = f.name)));
    const dataBytes = a.plan.tensors.reduce((s, t) => s + t.numel * DTYPE_SIZES[t.outDtypes[a.k]], 0);
    await writeSynced(join(a.partial, "model.safetensors.index.json"), formatShardIndex(weightMap, dataBytes));
    names.push("model.safetensors.index.json");
    sha256 = createHash("sha256")
      .update(a.files.map((f) => `${f.name}\t${f.sha256}\n`).join(""))
      .digest("hex");
  }
  const copied = await copyCompanionFiles(a.inputs[out.newest].dir, a.partial);
  names.push(...copied);
  const used = out.weights.flatMap((w, i) => (w === 0 ? [] : [i]));
  const ids = effectiveInputs(a.options).map((i) => a.options.inputIds?.[i] ?? null);
  const manifest = buildManifest({
    plan: { ...a.plan, outputs: a.plan.outputs.map((o) => ({ ...o, weights: used.map((i) => o.weights[i]), newest: used.indexOf(o.newest) })) },
    output: a.k,
    inputs: used.map((i) => a.inputs[i]),
    inputIds: used.map((i) => ids[i]),
    outputDtype: a.options.outputs[a.k].outputDtype ?? "input",
    files: a.files,
    sha256,
    copied,
    bytesRead: a.bytesRead,
    startedAt: a.startedAt,
    finishedAt: a.now(),
    context: a.options.outputs[a.k].manifest,
  });
  await writeSynced(join(a.partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  names.push(MANIFEST_FILE);
  const bytesWritten = a.files.reduce((s, f) => s + f.bytes, 0);
  return { outDir: a.options.outputs[a.k].outDir, sha256, bytesWritten, files: names };
}

async function writeSynced(filePath: string, text: string): Promise<void> {
  await writeFile(filePath, text, { flag: "wx" });
  await syncPath(filePath);
}

/** What the pass will read: every input of a float tensor once; a copied tensor's checks plus its copies. */
function estimateBytes(plan: ExecutionPlan): number {
  const copies = new Set(plan.outputs.map((o) => o.newest)).size;
  const checked = plan.outputs.some((o) => o.weights.filter((w) => w !== 0).length > 1);
  let total = 0;
  for (const t of plan.tensors) {
    const bytes = t.numel * DTYPE_SIZES[t.dtype];
    total += t.mergeable ? bytes * t.sources.length : bytes * (copies + (checked ? t.sources.length : 0));
  }
  return total;
}

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executeMerge, MANIFEST_FILE } from "../../../lib/merge/execute";
import type { ConsumerTensor } from "../../../lib/merge/execute";
import { mergeReference } from "../../../lib/merge/kernel/reference";
import type { KernelDtype } from "../../../lib/merge/kernel/dtypes";
import { openCheckpoint } from "../../../lib/safetensors/checkpoint";
import { makeInputs, readTensors, removeTempDirs } from "./execute-fixtures";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const SMALL_CHUNKS = 262_144; // the 300,001-element tensor spans two chunks, each split over the threads

describe("executeMerge", () => {
  afterAll(removeTempDirs);

  it("writes the float64 merge of every float tensor, copies the identical integer tensor, and is bit-identical for 1, 2 and 3 threads", async () => {
    const { root, dirs } = await makeInputs(3);
    const weights = [0.2, 0.3, 0.5];
    const shas: string[] = [];
    for (const threads of [1, 2, 3]) {
      const r = await executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, `out-${threads}`), weights }], threads, chunkElements: SMALL_CHUNKS });
      expect(r.threads).toBe(threads);
      shas.push(r.outputs[0].sha256!);
      expect(r.outputs[0].sha256).toBe(sha(readFileSync(join(root, `out-${threads}`, "model.safetensors"))));
    }
    expect(new Set(shas).size).toBe(1);

    const got = await readTensors(join(root, "out-1"));
    const inputs = await Promise.all(dirs.map((d) => readTensors(d)));
    const opened = await openCheckpoint(join(root, "out-1"));
    for (const t of opened.tensors) {
      const ins = inputs.map((m) => m.get(t.name)!);
      if (t.info.dtype === "I64") expect(Buffer.from(got.get(t.name)!).equals(Buffer.from(ins[2]))).toBe(true);
      else {
        const [want] = mergeReference(t.info.dtype as KernelDtype, ins, [{ dtype: t.info.dtype as KernelDtype, weights }]);
        expect(Buffer.from(got.get(t.name)!).equals(Buffer.from(want)), t.name).toBe(true);
      }
    }
    // Mixed dtypes survive: bf16 weights, f32 norms, f16 head, i64 ids, an empty tensor.
    expect(opened.dtypes).toEqual(["BF16", "F16", "F32", "I64"]);
    expect(opened.byName.get("model.empty")!.info.shape).toEqual([0, 4]);
  });

  it("a fused sweep writes the same bytes as its cells merged one at a time, and reads each input byte once", async () => {
    const { root, dirs } = await makeInputs(4);
    const cells = [
      [0, 0, 0.5, 0.5],
      [0.25, 0.25, 0.25, 0.25],
      [0.1, 0.2, 0.3, 0.4],
      [0.729, 0.081, 0.09, 0.1],
      [0, 0.3, 0, 0.7],
    ];
    const fused = await executeMerge({
      inputs: dirs,
      outputs: cells.map((weights, k) => ({ outDir: join(root, `fused-${k}`), weights })),
      threads: 2,
      chunkElements: SMALL_CHUNKS,
    });
    const inputBytes = (await Promise.all(dirs.map((d) => openCheckpoint(d)))).reduce((s, c) => s + c.tensors.reduce((a, t) => a + t.info.end - t.info.begin, 0), 0);
    // Every tensor of every input once (the integer tensor's pass is its cross-input check), plus the one copy
    // of the integer tensor from the newest input.
    expect(fused.bytesRead).toBe(inputBytes + 7 * 8);
    for (const [k, weights] of cells.entries()) {
      const alone = await executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, `alone-${k}`), weights }], threads: 3 });
      expect(alone.outputs[0].sha256).toBe(fused.outputs[k].sha256);
      const a = readFileSync(join(root, `alone-${k}`, "model.safetensors"));
      expect(a.equals(readFileSync(join(root, `fused-${k}`, "model.safetensors")))).toBe(true);
    }
  });

  it("reads sharded inputs and writes a sharded output with an index, config from the newest input, and a manifest", async () => {
    const { root, dirs } = await makeInputs(3, { shards: [2, 3, 1] });
    const outDir = join(root, "sharded");
    const r = await executeMerge({
      inputs: dirs,
      inputIds: ["id-0", "id-1", "id-2"],
      outputs: [{ outDir, weights: [0.5, 0.5, 0], shardBytes: 4096, outputDtype: "F32", manifest: { cell: "N=2 SMA" } }],
      threads: 2,
    });
    const out = r.outputs[0];
    const shards = out.files.filter((f) => f.endsWith(".safetensors"));
    expect(shards.length).toBeGreaterThan(1);
    expect(out.files).toContain("model.safetensors.index.json");
    const lines = shards.map((f) => `${f}\t${sha(readFileSync(join(outDir, f)))}\n`).join("");
    expect(out.sha256).toBe(createHash("sha256").update(lines).digest("hex"));
    expect(readdirSync(outDir).sort()).toEqual([...out.files].sort());
    // Newest input with a non-zero weight is ckpt-1: its config and tokenizer, never a README.
    expect(JSON.parse(readFileSync(join(outDir, "config.json"), "utf8")).step).toBe(1);
    expect(readFileSync(join(outDir, "tokenizer.json"), "utf8")).toBe('{"version": 1}');
    expect(existsSync(join(outDir, "README.md"))).toBe(false);
    const merged = await openCheckpoint(outDir);
    expect(merged.format).toBe("safetensors-sharded");
    expect(merged.dtypes).toEqual(["F32", "I64"]); // every float tensor in the chosen dtype
    const m = JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), "utf8"));
    expect(m.recipe.weights).toEqual([0.5, 0.5]);
    expect(m.inputs.map((i: { identity: string }) => i.identity)).toEqual(["id-0", "id-1"]);
    expect(m.software.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.output.sha256).toBe(out.sha256);
    expect(m.bytes.written).toBe(out.bytesWritten);
    expect(m.context).toEqual({ cell: "N=2 SMA" });
    expect(readdirSync(root).filter((n) => n.includes(".partial-"))).toEqual([]);
  });

  it("hands a merge to an in-process consumer without writing anything", async () => {
    const { root, dirs } = await makeInputs(2);
    const got = new Map<string, Uint8Array>();
    const seen: ConsumerTensor[] = [];
    let ended = false;
    const r = await executeMerge({
      inputs: dirs,
      outputs: [
        {
          weights: [0.5, 0.5],
          consumer: { begin: (ts) => void seen.push(...ts), tensor: (t, data) => void got.set(t.name, data), end: () => void (ended = true) },
        },
        { outDir: join(root, "file"), weights: [0.5, 0.5] },
      ],
      chunkElements: SMALL_CHUNKS,
    });
    expect(r.outputs[0]).toEqual({ bytesWritten: 0, files: [] });
    expect(ended).toBe(true);
    expect(seen.length).toBe(got.size);
    const file = await readTensors(join(root, "file"));
    for (const [name, bytes] of file) expect(Buffer.from(got.get(name)!).equals(Buffer.from(bytes)), name).toBe(true);
    expect(readdirSync(root).sort()).toEqual(["ckpt-0", "ckpt-1", "file"]);
  });
});

import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executeMerge, validateInputs } from "../../../lib/merge/execute";
import { openOutputFile } from "../../../lib/merge/execute/output-file";
import type { OutputWriter } from "../../../lib/merge/execute";
import { openCheckpoint } from "../../../lib/safetensors/checkpoint";
import { isPmaError, type PmaError } from "../../../lib/errors";
import { writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { makeInputs, mixedSpecs, removeTempDirs, tempRoot } from "./execute-fixtures";

async function failure(run: Promise<unknown>): Promise<PmaError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isPmaError(error)) throw new Error(`expected a PmaError, got ${String(error)}`);
  return error;
}

const visible = (root: string) => readdirSync(root).sort();

describe("executeMerge refuses bad input and leaves nothing half-written", () => {
  afterAll(removeTempDirs);

  it("diffs mismatched inputs per tensor before creating any output", async () => {
    const root = tempRoot();
    const specs = mixedSpecs();
    const a = await writeCheckpoint(join(root, "a"), { tensors: specs });
    const b = await writeCheckpoint(join(root, "b"), {
      tensors: [
        ...specs.filter((t) => t.name !== "lm_head.weight" && t.name !== "model.norm.weight" && t.name !== "model.embed_tokens.weight"),
        { name: "model.norm.weight", dtype: "BF16", shape: [16] },
        { name: "model.embed_tokens.weight", dtype: "BF16", shape: [32, 16] },
      ],
    });
    const diff = validateInputs(await Promise.all([a, b].map((d) => openCheckpoint(d))));
    expect(diff).toEqual([
      { tensor: "lm_head.weight", kind: "missing", missingIn: [b], presentIn: [a] },
      { tensor: "model.embed_tokens.weight", kind: "shape", shapes: [{ input: a, shape: [64, 16] }, { input: b, shape: [32, 16] }] },
      { tensor: "model.norm.weight", kind: "dtype", dtypes: [{ input: a, dtype: "F32" }, { input: b, dtype: "BF16" }] },
    ]);
    const e = await failure(executeMerge({ inputs: [a, b], outputs: [{ outDir: join(root, "out"), weights: [0.5, 0.5] }] }));
    expect(e.code).toBe("merge_inputs_mismatch");
    expect(e.details).toEqual(diff);
    expect(e.message).toContain("lm_head.weight: missing in");
    expect(visible(root)).toEqual(["a", "b"]);
  });

  it("copies an integer tensor only when the inputs agree on it", async () => {
    const { root, dirs } = await makeInputs(3, { intSeeds: [0, 0, 5] });
    // ckpt-2's position ids differ: merging it with the others is refused, merging the first two is fine.
    const e = await failure(executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "out"), weights: [0.3, 0.3, 0.4] }] }));
    expect(e.code).toBe("merge_inputs_mismatch");
    expect(e.details).toEqual([{ tensor: "model.position_ids", kind: "contents", dtype: "I64", inputs: dirs }]);
    expect(visible(root)).toEqual(["ckpt-0", "ckpt-1", "ckpt-2"]);
    const ok = await executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "out"), weights: [0.5, 0.5, 0] }] });
    expect(ok.outputs[0].files).toContain("model.safetensors");
  });

  it("refuses an output directory that exists, and bad weights", async () => {
    const { root, dirs } = await makeInputs(2);
    mkdirSync(join(root, "taken"));
    expect((await failure(executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "taken"), weights: [0.5, 0.5] }] }))).code).toBe("merge_output_exists");
    expect((await failure(executeMerge({ inputs: dirs, outputs: [{ outDir: dirs[0], weights: [0.5, 0.5] }] }))).code).toBe("merge_output_exists");
    expect((await failure(executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "x"), weights: [1] }] }))).code).toBe("merge_weights_invalid");
    expect((await failure(executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "x"), weights: [0, 0] }] }))).code).toBe("merge_weights_invalid");
    expect((await failure(executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "x"), weights: [NaN, 1] }] }))).code).toBe("merge_weights_invalid");
    expect(visible(root)).toEqual(["ckpt-0", "ckpt-1", "taken"]);
  });

  it("maps a full disk to disk_full and removes the partial output, however far it got", async () => {
    const { root, dirs } = await makeInputs(2);
    for (const limit of [0, 20_000]) {
      let written = 0;
      // A real writer whose disk "fills up" after `limit` bytes.
      const openWriter = async (path: string, header: Uint8Array): Promise<OutputWriter> => {
        if (written + header.byteLength > limit) throw Object.assign(new Error("ENOSPC: no space left on device, open"), { code: "ENOSPC" });
        const real = await openOutputFile(path, header);
        written += header.byteLength;
        return {
          write: async (data) => {
            written += data.byteLength;
            if (written > limit) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
            await real.write(data);
          },
          finish: () => real.finish(),
          abort: () => real.abort(),
        };
      };
      const e = await failure(
        executeMerge({ inputs: dirs, outputs: [{ outDir: join(root, "out"), weights: [0.5, 0.5] }, { outDir: join(root, "out2"), weights: [1, 0] }], chunkElements: 65_536 }, { openWriter }),
      );
      expect(e.code).toBe("disk_full");
      expect(e.permanent).toBe(false);
      expect(visible(root)).toEqual(["ckpt-0", "ckpt-1"]);
    }
  });

  it("stops when aborted and cleans up", async () => {
    const { root, dirs } = await makeInputs(2);
    const controller = new AbortController();
    const e = await failure(
      executeMerge({
        inputs: dirs,
        outputs: [{ outDir: join(root, "out"), weights: [0.5, 0.5] }],
        chunkElements: 256,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.tensorsDone >= 2) controller.abort();
        },
      }),
    );
    expect(e.code).toBe("merge_aborted");
    expect(existsSync(join(root, "out"))).toBe(false);
    expect(visible(root)).toEqual(["ckpt-0", "ckpt-1"]);
  });
});

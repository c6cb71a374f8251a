import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../../../lib/lab/checkpoint-io";
import { ensureWritableDir } from "../../../lib/lab/fs-checks";
import { initWeights, paramSpecs } from "../../../lib/lab/params";
import { openCheckpoint } from "../../../lib/safetensors/checkpoint";
import { makeTempDir } from "../../helpers/checkpoint-fixtures";
import { TINY_MODEL } from "./tiny";

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("lab checkpoints", () => {
  const weights = initWeights(TINY_MODEL, 5);
  const moments = (scale: number) => new Map([...weights].map(([name, v]) => [name, v.map((x) => x * scale)]));

  it("round-trips F32 weights and the optimizer state bit for bit", async () => {
    const dir = makeTempDir("pma-lab-ckpt-");
    const path = await saveCheckpoint(dir, 20, {
      weights,
      config: TINY_MODEL,
      optimizer: { t: 20, m: moments(0.5), v: moments(0.25) },
      trainer: { run: "r", step: 20, tokens: 1280, lr: 0.01 },
    });
    expect(path).toBe(join(dir, "step-20"));
    expect((await readdir(dir)).sort()).toEqual(["step-20"]);
    const back = await loadCheckpoint(path, { optimizer: true });
    for (const spec of paramSpecs(TINY_MODEL)) {
      expect(bits(back.weights.get(spec.name)!)).toEqual(bits(weights.get(spec.name)!));
      expect(bits(back.optimizer!.m.get(spec.name)!)).toEqual(bits(moments(0.5).get(spec.name)!));
    }
    expect(back.optimizer!.t).toBe(20);
    expect(back.trainer).toMatchObject({ run: "r", step: 20, tokens: 1280 });
    const trainerState = JSON.parse(await readFile(join(path, "trainer_state.json"), "utf8"));
    expect(trainerState).toMatchObject({ global_step: 20, num_input_tokens_seen: 1280 });
    const opened = await openCheckpoint(path);
    expect(opened.dtypes).toEqual(["F32"]);
    expect(opened.tensors.map((t) => t.name).sort()).toEqual(paramSpecs(TINY_MODEL).map((s) => s.name).sort());
  });

  it("stores BF16 weights with exact F32 master copies beside the moments", async () => {
    const dir = makeTempDir("pma-lab-ckpt-");
    const path = await saveCheckpoint(dir, 1, { weights, config: TINY_MODEL, optimizer: { t: 1, m: moments(0), v: moments(0) } }, "BF16");
    expect((await openCheckpoint(path)).dtypes).toEqual(["BF16"]);
    const plain = await loadCheckpoint(path);
    const name = "model.layers.0.mlp.up_proj.weight";
    expect(bits(plain.weights.get(name)!)).not.toEqual(bits(weights.get(name)!));
    expect(bits(plain.weights.get(name)!).every((b) => (b & 0xffff) === 0)).toBe(true);
    const resumed = await loadCheckpoint(path, { optimizer: true });
    expect(bits(resumed.weights.get(name)!)).toEqual(bits(weights.get(name)!));
  });

  it("says clearly when a checkpoint is corrupt or incomplete", async () => {
    const dir = makeTempDir("pma-lab-ckpt-");
    const path = await saveCheckpoint(dir, 1, { weights, config: TINY_MODEL });
    await writeFile(join(path, "model.safetensors"), "not a safetensors file at all");
    await expect(loadCheckpoint(path)).rejects.toMatchObject({ code: "lab_bad_checkpoint" });

    const other = await saveCheckpoint(dir, 2, { weights, config: TINY_MODEL });
    await writeFile(join(other, "config.json"), "{ broken");
    await expect(loadCheckpoint(other)).rejects.toMatchObject({ code: "lab_bad_config" });

    const third = await saveCheckpoint(dir, 3, { weights, config: TINY_MODEL });
    await expect(loadCheckpoint(third, { optimizer: true })).rejects.toMatchObject({ code: "lab_missing_file" });
    await expect(loadCheckpoint(join(dir, "step-99"))).rejects.toMatchObject({ code: "lab_missing_file" });
  });

  it("refuses a lab directory it cannot write, before training (root ignores chmod, so a file blocks the path)", async () => {
    const base = makeTempDir("pma-lab-ro-");
    await writeFile(join(base, "file"), "x");
    await expect(ensureWritableDir(join(base, "file", "lab"))).rejects.toMatchObject({ code: "lab_dir_not_writable", message: expect.stringMatching(/not a directory/) });
    await expect(saveCheckpoint(join(base, "file"), 1, { weights, config: TINY_MODEL })).rejects.toMatchObject({ code: "lab_write_failed" });
  });
});

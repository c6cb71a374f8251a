import { stError } from "./errors";

/**
 * Decides, from a directory listing alone, which file(s) hold the weights. Pure, so every layout rule is
 * testable without a file system.
 */
export type WeightsLocation = { kind: "single"; file: string } | { kind: "sharded"; index: string };

const SINGLE = "model.safetensors";
const INDEX = "model.safetensors.index.json";
const SHARD_PATTERN = /-\d{5}-of-\d{5}\.safetensors$/;
/** Pickle formats: loading them runs arbitrary code, so they are named in the error but never opened. */
const PICKLE_PATTERN = /\.(bin|pt|pth|ckpt|pkl|pickle)$/i;

export function findWeights(names: string[], dir: string): WeightsLocation {
  if (names.includes(SINGLE)) return { kind: "single", file: SINGLE };
  if (names.includes(INDEX)) return { kind: "sharded", index: INDEX };
  const files = names.filter((n) => n.endsWith(".safetensors")).sort();
  const indexes = names.filter((n) => n.endsWith(".safetensors.index.json")).sort();
  if (indexes.length === 1) return { kind: "sharded", index: indexes[0] };
  if (indexes.length > 1) {
    throw stError("st_ambiguous_weights", `${dir} has several shard indexes (${indexes.join(", ")}); cannot tell which is the model`, { dir, files: indexes });
  }
  if (files.length === 1) return { kind: "single", file: files[0] };
  if (files.length > 1) {
    const why = files.every((f) => SHARD_PATTERN.test(f))
      ? "they look like shards but there is no model.safetensors.index.json to map tensors to them"
      : "cannot tell which one is the model";
    throw stError("st_ambiguous_weights", `${dir} has ${files.length} .safetensors files and ${why}`, { dir, files });
  }
  const pickles = names.filter((n) => PICKLE_PATTERN.test(n)).sort();
  if (pickles.length > 0) {
    throw stError(
      "st_pickle_refused",
      `${dir} holds only pickle weights (${pickles.slice(0, 5).join(", ")}); pickle checkpoints are refused because loading them can execute code. Convert them to safetensors first.`,
      { dir, files: pickles },
    );
  }
  throw stError("st_no_weights", `${dir} holds no model weights (no model.safetensors, shard index or *.safetensors file)`, { dir });
}

import type { OpenedCheckpoint } from "../../safetensors/checkpoint";

/**
 * Pure comparison of the inputs' tensor lists: every tensor of every input must agree in name, shape and dtype.
 * Returns one entry per disagreeing tensor (empty when the inputs can be merged), sorted by tensor name.
 */
export type TensorDiff =
  | { tensor: string; kind: "missing"; missingIn: string[]; presentIn: string[] }
  | { tensor: string; kind: "shape"; shapes: { input: string; shape: number[] }[] }
  | { tensor: string; kind: "dtype"; dtypes: { input: string; dtype: string }[] }
  | { tensor: string; kind: "contents"; dtype: string; inputs: string[] };

export function validateInputs(opened: OpenedCheckpoint[]): TensorDiff[] {
  const names = [...new Set(opened.flatMap((c) => c.tensors.map((t) => t.name)))].sort();
  const diffs: TensorDiff[] = [];
  for (const name of names) {
    const found = opened.map((c) => ({ input: c.dir, tensor: c.byName.get(name) }));
    const missing = found.filter((f) => !f.tensor).map((f) => f.input);
    if (missing.length > 0) {
      diffs.push({ tensor: name, kind: "missing", missingIn: missing, presentIn: found.filter((f) => f.tensor).map((f) => f.input) });
      continue;
    }
    const shapes = found.map((f) => ({ input: f.input, shape: [...f.tensor!.info.shape] }));
    if (new Set(shapes.map((s) => s.shape.join("×"))).size > 1) diffs.push({ tensor: name, kind: "shape", shapes });
    const dtypes = found.map((f) => ({ input: f.input, dtype: f.tensor!.info.dtype as string }));
    if (new Set(dtypes.map((d) => d.dtype)).size > 1) diffs.push({ tensor: name, kind: "dtype", dtypes });
  }
  return diffs;
}

/** One line per problem, for messages: "lm_head.weight: shape [64, 16] in a vs [32, 16] in b". */
export function describeDiff(diff: TensorDiff): string {
  switch (diff.kind) {
    case "missing":
      return `${diff.tensor}: missing in ${diff.missingIn.join(", ")}`;
    case "shape":
      return `${diff.tensor}: shape ${diff.shapes.map((s) => `[${s.shape.join(", ")}] in ${s.input}`).join(" vs ")}`;
    case "dtype":
      return `${diff.tensor}: dtype ${diff.dtypes.map((d) => `${d.dtype} in ${d.input}`).join(" vs ")}`;
    case "contents":
      return `${diff.tensor}: ${diff.dtype} values differ across ${diff.inputs.join(", ")} (only float tensors can be averaged)`;
  }
}

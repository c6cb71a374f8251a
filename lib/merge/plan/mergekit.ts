import { PmaError } from "../../errors";
import { formatSchemeLabel } from "../weights";
import { recipeHash, type MergeRecipe } from "./recipe";

export interface MergekitExportOptions {
  /**
   * Output dtype of the merged model (BF16 / F16 / F32, or mergekit's bfloat16 / float16 / float32). Required
   * when the recipe's output dtype is "input", which only the checkpoint headers know; otherwise it overrides.
   */
  dtype?: string;
}

const MERGEKIT_DTYPES: Record<string, string> = {
  bf16: "bfloat16",
  bfloat16: "bfloat16",
  f16: "float16",
  fp16: "float16",
  float16: "float16",
  f32: "float32",
  fp32: "float32",
  float32: "float32",
};

/**
 * The recipe as a mergekit `linear` config, so a merge can be reproduced outside PMA Lab. Weights are final
 * (`normalize: false`). mergekit sums in its `dtype`, so that is float32 — its widest, matching our fp32
 * accumulation — and the merged model's dtype goes in `out_dtype`. Written by hand: paths are JSON strings,
 * which YAML reads as double-quoted scalars.
 */
export function exportMergekitYaml(
  recipe: MergeRecipe,
  checkpointPaths: Map<number, string>,
  options: MergekitExportOptions = {},
): string {
  const outDtype = resolveOutputDtype(recipe, options);
  const lines = [
    `# PMA Lab merge recipe ${recipeHash(recipe)}`,
    `# scheme: ${formatSchemeLabel(recipe.scheme)}; ${recipe.inputs.length} checkpoint(s), oldest first`,
  ];
  if (recipe.accumulate === "fp64") lines.push("# the recipe accumulates in fp64; mergekit's widest dtype is float32");
  lines.push("merge_method: linear", "dtype: float32", `out_dtype: ${outDtype}`, "parameters:", "  normalize: false", "models:");
  for (const input of recipe.inputs) {
    const path = checkpointPaths.get(input.checkpointId);
    if (path === undefined) {
      throw new PmaError("mergekit_path_missing", `no path known for checkpoint #${input.checkpointId}`);
    }
    lines.push(...formatModel(path), "    parameters:", `      weight: ${formatYamlFloat(input.weight)}`);
  }
  return `${lines.join("\n")}\n`;
}

function resolveOutputDtype(recipe: MergeRecipe, options: MergekitExportOptions): string {
  const requested = options.dtype ?? (recipe.outputDtype === "input" ? undefined : recipe.outputDtype);
  if (requested === undefined) {
    throw new PmaError(
      "mergekit_dtype_unknown",
      'the recipe keeps the inputs\' dtype; pass the output dtype (e.g. "BF16") to export it for mergekit',
    );
  }
  const dtype = MERGEKIT_DTYPES[requested.toLowerCase()];
  if (!dtype) throw new PmaError("mergekit_dtype_unknown", `mergekit cannot write dtype "${requested}"; use BF16, F16 or F32`);
  return dtype;
}

/**
 * mergekit reads a plain model string as `path+lora` and `path@revision`, so a path containing either
 * character goes in the structured form, which it takes literally.
 */
function formatModel(path: string): string[] {
  const quoted = quoteYaml(path);
  if (!/[+@]/.test(path)) return [`  - model: ${quoted}`];
  return ["  - model:", "      model:", `        path: ${quoted}`];
}

/** JSON quoting plus escapes for DEL and C1 controls, which JSON leaves raw but YAML forbids unescaped. */
function quoteYaml(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Shortest round-trip decimal, shaped for YAML 1.1 (PyYAML): a float there needs a "." ("1e-7" would load as a
 * string), so "1" becomes "1.0" and "1e-7" becomes "1.0e-7".
 */
export function formatYamlFloat(value: number): string {
  if (!Number.isFinite(value)) throw new PmaError("recipe_invalid", `weight ${value} is not a finite number`);
  const text = String(value);
  const [mantissa, exponent] = text.split("e");
  const withPoint = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? withPoint : `${withPoint}e${exponent}`;
}

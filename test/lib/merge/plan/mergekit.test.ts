import { describe, expect, it } from "vitest";
import { PmaError } from "../../../../lib/errors";
import { exportMergekitYaml, formatYamlFloat, recipeHash, type MergeRecipe } from "../../../../lib/merge/plan";

const recipe: MergeRecipe = {
  inputs: [
    { checkpointId: 11, identity: "sha-10", weight: 1 / 6 },
    { checkpointId: 13, identity: "sha-12", weight: 1 / 3 },
    { checkpointId: 15, identity: "sha-14", weight: 0.5 },
  ],
  accumulate: "fp32",
  outputDtype: "BF16",
  scheme: { scheme: "wma" },
};
const paths = new Map([
  [11, "/runs/a/step-10000"],
  [13, '/runs/a/odd "name": here'],
  [15, "/runs/a/ckpt+lora@v2"],
]);

describe("exportMergekitYaml", () => {
  it("writes a linear merge with final weights (golden)", () => {
    expect(exportMergekitYaml(recipe, paths)).toBe(
      [
        `# PMA Lab merge recipe ${recipeHash(recipe)}`,
        "# scheme: WMA; 3 checkpoint(s), oldest first",
        "merge_method: linear",
        "dtype: float32",
        "out_dtype: bfloat16",
        "parameters:",
        "  normalize: false",
        "models:",
        '  - model: "/runs/a/step-10000"',
        "    parameters:",
        "      weight: 0.16666666666666666",
        '  - model: "/runs/a/odd \\"name\\": here"',
        "    parameters:",
        "      weight: 0.3333333333333333",
        "  - model:",
        "      model:",
        '        path: "/runs/a/ckpt+lora@v2"',
        "    parameters:",
        "      weight: 0.5",
        "",
      ].join("\n"),
    );
  });

  it("needs the output dtype when the recipe keeps the inputs' dtype", () => {
    const keep = { ...recipe, outputDtype: "input" as const };
    expect(() => exportMergekitYaml(keep, paths)).toThrow(PmaError);
    expect(exportMergekitYaml(keep, paths, { dtype: "F16" })).toContain("out_dtype: float16\n");
    expect(exportMergekitYaml(keep, paths, { dtype: "float32" })).toContain("out_dtype: float32\n");
    expect(() => exportMergekitYaml(keep, paths, { dtype: "int8" })).toThrow(/cannot write dtype "int8"/);
  });

  it("notes fp64 accumulation, which mergekit cannot match", () => {
    expect(exportMergekitYaml({ ...recipe, accumulate: "fp64" }, paths)).toContain("# the recipe accumulates in fp64");
  });

  it("refuses a checkpoint without a path", () => {
    let caught: unknown;
    try {
      exportMergekitYaml(recipe, new Map([[11, "/a"]]));
    } catch (error) {
      caught = error;
    }
    expect((caught as PmaError).code).toBe("mergekit_path_missing");
  });
});

describe("formatYamlFloat", () => {
  it.each<[number, string]>([
    [0.5, "0.5"],
    [1, "1.0"],
    [0, "0.0"],
    [-0.25, "-0.25"],
    [1e-7, "1.0e-7"],
    [1.5e-7, "1.5e-7"],
    [2e21, "2.0e+21"],
  ])("writes %s as %s, a float to YAML 1.1", (value, text) => {
    expect(formatYamlFloat(value)).toBe(text);
  });
});

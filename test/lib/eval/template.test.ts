import { describe, expect, it } from "vitest";
import { compileTemplate, fillTemplate, PLACEHOLDERS, type Placeholder } from "../../../lib/eval/template";

const all = new Set(Object.keys(PLACEHOLDERS) as Placeholder[]);
const fill = (argv: string[], values: Partial<Record<Placeholder, string>>) => fillTemplate(compileTemplate(argv, all), values);

describe("argv templates", () => {
  it("fills whole arguments and embedded placeholders, with {{ }} as literal braces", () => {
    expect(fill(["lm_eval", "--model_args", "pretrained={model},dtype=bfloat16", "--output_path", "{output}", "--gen_kwargs", "{{}}"], { model: "/m/x", output: "/o" })).toEqual([
      "lm_eval",
      "--model_args",
      "pretrained=/m/x,dtype=bfloat16",
      "--output_path",
      "/o",
      "--gen_kwargs",
      "{}",
    ]);
  });

  it("passes shell metacharacters through verbatim", () => {
    const nasty = "/m/$(touch pwned);`id`|x&y\nz 'q\" *";
    expect(fill(["prog", "{model}", "--tasks", "{tasks}"], { model: nasty, tasks: "a;b$(c)" })).toEqual(["prog", nasty, "--tasks", "a;b$(c)"]);
    expect(fill(["prog", "pretrained={model}"], { model: "/m/$(x);`y`\nz" })).toEqual(["prog", "pretrained=/m/$(x);`y`\nz"]);
  });

  it("refuses unknown placeholders, unavailable ones and unbalanced braces at compile time", () => {
    expect(() => compileTemplate(["prog", "{modle}"], all)).toThrow(/unknown placeholder \{modle\}/);
    expect(() => compileTemplate(["prog", "{limit}"], new Set<Placeholder>(["model"]))).toThrow(/\{limit\} has no value/);
    expect(() => compileTemplate(["prog", "{model"], all)).toThrow(/unmatched "\{"/);
    expect(() => compileTemplate(["prog", "a}b"], all)).toThrow(/unmatched "\}"/);
    expect(() => compileTemplate(["{model}", "x"], all)).toThrow(/program .* must be a literal/);
    expect(() => compileTemplate([], all)).toThrow(/empty/);
    try {
      compileTemplate(["prog", "ok", "{bad}"], all);
    } catch (error) {
      expect((error as { index: number }).index).toBe(2);
    }
  });

  it("refuses a path with ',' or '=' inside a larger argument, where it could add key=value options", () => {
    expect(() => fill(["prog", "pretrained={model}"], { model: "/m/x,trust_remote_code=True" })).toThrow(/contains ',' or '='/);
    // As a whole argument the same path is harmless and passes.
    expect(fill(["prog", "{model}"], { model: "/m/x,trust_remote_code=True" })).toEqual(["prog", "/m/x,trust_remote_code=True"]);
  });

  it("refuses values that would start an argument with '-' and NUL bytes", () => {
    expect(() => fill(["prog", "{tasks}"], { tasks: "--include_path=/tmp" })).toThrow(/start an argument with '-'/);
    expect(() => fill(["prog", "{model}"], { model: "/a\0b" })).toThrow(/NUL/);
  });
});

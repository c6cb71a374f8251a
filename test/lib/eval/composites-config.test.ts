import { describe, expect, it } from "vitest";
import { parseCompositesConfig } from "../../../lib/eval/registry";
import { isImprovement } from "../../../lib/sweeps";
import { errorOf } from "./helpers";

const text = (composites: unknown[]) => JSON.stringify({ evaluators: [], composites });

describe("composites in the evaluators config", () => {
  it("reads them, turning a stated direction into higherIsBetter", () => {
    const [overall] = parseCompositesConfig(text([{ name: "overall", components: [{ metric: "mmlu/acc", weight: 2 }, { metric: "heldout/loss", weight: 1, direction: "lower" }] }]), "e.json");
    expect(overall).toEqual({ name: "overall", components: [{ metric: "mmlu/acc", weight: 2 }, { metric: "heldout/loss", weight: 1, higherIsBetter: false }] });
    expect(parseCompositesConfig(JSON.stringify({ evaluators: [] }), "e.json")).toEqual([]);
  });

  it.each([
    [[{ name: "x", components: [] }], "composites[0].components"],
    [[{ name: "x", components: [{ metric: "a", weight: -1 }] }], "composites[0]"],
    [[{ name: "x", components: [{ metric: "a", weight: 1, direction: "up" }] }], "composites[0].components[0].direction"],
    [[{ name: "x", components: [{ metric: "a", weight: 1 }] }, { name: "x", components: [{ metric: "b", weight: 1 }] }], "composites[1].name"],
  ])("refuses %j at load, naming %s", (composites, where) => {
    const error = errorOf(() => parseCompositesConfig(text(composites), "e.json"));
    expect(error.code).toBe("eval_config_invalid");
    expect(error.message).toContain(`e.json: ${where}`);
  });

  it("reads a delta as better or worse by the metric's direction", () => {
    expect(isImprovement(0.1, true)).toBe(true);
    expect(isImprovement(0.1, false)).toBe(false);
    expect(isImprovement(-0.1, false)).toBe(true);
    expect(isImprovement(0.1, null)).toBeNull();
  });
});

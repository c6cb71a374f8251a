import { describe, expect, it } from "vitest";
import { parseNvidiaSmi } from "../../../lib/jobs/worker/host";
import { isLocalOnlyKind } from "../../../lib/jobs/kinds";
import { isExclusiveKind, planSlots } from "../../../lib/jobs/worker/loop";
import { mapPath, parsePathMap, resolveOutputPath } from "../../../lib/jobs/worker/paths";

describe("worker pieces", () => {
  it("parses nvidia-smi's CSV, and nothing out of garbage", () => {
    expect(parseNvidiaSmi("0, NVIDIA H200, 143771 MiB\n1, NVIDIA A100-SXM4-80GB, 81920 MiB\n")).toEqual([
      { index: 0, name: "NVIDIA H200", memory: 143771 * 1024 * 1024 },
      { index: 1, name: "NVIDIA A100-SXM4-80GB", memory: 81920 * 1024 * 1024 },
    ]);
    expect(parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver")).toEqual([]);
  });

  it("maps server paths by the longest prefix, on path boundaries only", () => {
    const map = parsePathMap(["/srv=/mnt/srv", "/srv/ckpt=/fast/ckpt"]);
    expect(mapPath("/srv/ckpt/run/step-1", map)).toBe("/fast/ckpt/run/step-1");
    expect(mapPath("/srv/data/artifacts", map)).toBe("/mnt/srv/data/artifacts");
    expect(mapPath("/srvx/a", map)).toBe("/srvx/a");
    expect(() => parsePathMap(["relative=/x"])).toThrow(expect.objectContaining({ code: "path_map_invalid" }));
    expect(() => parsePathMap(["/x"])).toThrow(expect.objectContaining({ code: "path_map_invalid" }));
  });

  it("refuses output names that are not the server's templates or leave the artifacts directory", () => {
    expect(resolveOutputPath("/data/artifacts", `merges/${"a".repeat(64)}`)).toBe(`/data/artifacts/merges/${"a".repeat(64)}`);
    for (const bad of ["../x", "merges/../../etc", "/etc/passwd", "merges/", "other/x", "merges/a/b", "merges/.hidden", "merges/x%2f..", ""]) {
      expect(() => resolveOutputPath("/data/artifacts", bad), bad).toThrow(expect.objectContaining({ code: "output_name_refused" }));
    }
  });

  it("gives CPU kinds to CPU slots, GPU kinds to GPU slots, and GPU kinds to CPU slots when there is no GPU", () => {
    const handlers = { merge: 1, noop: 1, evaluate: 1 };
    expect(planSlots(2, [0, 1], handlers).map((slot) => [slot.label, slot.kinds])).toEqual([
      ["cpu0", ["merge", "noop"]],
      ["cpu1", ["merge", "noop"]],
      ["gpu0", ["evaluate"]],
      ["gpu1", ["evaluate"]],
    ]);
    expect(planSlots(1, [], handlers)[0].kinds).toEqual(["merge", "noop", "evaluate"]);
    expect(planSlots(1, [0], { merge: 1 }).map((slot) => slot.label)).toEqual(["cpu0"]);
  });

  it("keeps local-only kinds (the lab) off remote workers; the lab is exclusive, merges are not", () => {
    const handlers = { merge: 1, "lab-train": 1 };
    expect(planSlots(1, [], handlers, "local")[0].kinds).toEqual(["merge", "lab-train"]);
    expect(planSlots(1, [], handlers, "remote")[0].kinds).toEqual(["merge"]);
    expect(planSlots(1, [], { "lab-train": 1 }, "remote")).toEqual([]);
    expect([isLocalOnlyKind("lab-train"), isLocalOnlyKind("merge"), isLocalOnlyKind("nonsense")]).toEqual([true, false, false]);
    expect([isExclusiveKind("lab-train"), isExclusiveKind("merge")]).toEqual([true, false]);
  });
});

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli";
import { tempDir } from "./helpers";

describe("pma-lab evaluators", () => {
  it("lists the built-in and the configured evaluators, never their environment values", () => {
    const dataDir = tempDir();
    fs.writeFileSync(
      path.join(dataDir, "evaluators.json"),
      JSON.stringify({ evaluators: [{ name: "core", kind: "lm-eval", gpu: true, settings: { tasks: ["hellaswag", "mmlu"], env: { HF_TOKEN: "hf_secret" } } }] }),
    );
    const listed = runCli(["evaluators", "--json"], { PMA_LAB_DATA_DIR: dataDir });
    expect(listed.status).toBe(0);
    expect(listed.stdout).not.toContain("hf_secret");
    const body = listed.json();
    expect(body.file).toBe(path.join(dataDir, "evaluators.json"));
    expect(body.evaluators.map((e: { name: string }) => e.name)).toEqual(["heldout-loss", "core"]);
    expect(body.evaluators[1]).toMatchObject({ kind: "lm-eval", gpu: true, tasks: ["hellaswag", "mmlu"], envNames: ["HF_TOKEN"] });

    fs.writeFileSync(path.join(dataDir, "evaluators.json"), '{"evaluators": [{"name": "x", "kind": "command", "settings": {"argv": ["a", "{mdl}"]}}]}');
    const broken = runCli(["evaluators", "--json"], { PMA_LAB_DATA_DIR: dataDir });
    expect(broken.status).toBe(1);
    expect(broken.json().error.code).toBe("eval_config_invalid");
    expect(broken.stderr).toContain('evaluators[0] ("x").settings.argv[1]: unknown placeholder {mdl}');
  });
});

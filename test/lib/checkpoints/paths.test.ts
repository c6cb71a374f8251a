import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveAllowedDirectory, resolveAllowedFile, resolveAllowedPath } from "../../../lib/checkpoints/paths";

describe("allowed roots", () => {
  let base: string;
  let root: string;
  let outside: string;

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "pma-paths-"));
    root = path.join(base, "root");
    outside = path.join(base, "outside");
    fs.mkdirSync(path.join(root, "run", "step-1"), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "secret.safetensors"), "x");
    fs.writeFileSync(path.join(root, "run", "file.txt"), "x");
    fs.symlinkSync(outside, path.join(root, "escape"));
    fs.symlinkSync(path.join(outside, "secret.safetensors"), path.join(root, "run", "link.safetensors"));
    fs.symlinkSync(path.join(root, "run"), path.join(root, "alias"));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it("accepts paths inside a root and returns the real path", async () => {
    expect(await resolveAllowedDirectory(path.join(root, "run"), [root])).toBe(fs.realpathSync(path.join(root, "run")));
    expect(await resolveAllowedDirectory(path.join(root, "alias"), [root])).toBe(fs.realpathSync(path.join(root, "run")));
  });

  it.each([
    ["a sibling of the root", (b: string) => path.join(b, "outside")],
    ["a traversal", (b: string) => path.join(b, "root", "run", "..", "..", "outside")],
    ["a symlinked directory leading out", (b: string) => path.join(b, "root", "escape")],
    ["a symlinked file leading out", (b: string) => path.join(b, "root", "run", "link.safetensors")],
    ["/etc", () => "/etc"],
  ])("refuses %s", async (_label, make) => {
    await expect(resolveAllowedPath(make(base), [root])).rejects.toMatchObject({ code: "path_outside_roots" });
  });

  it.each([
    ["", "path_invalid"],
    ["a\0b", "path_invalid"],
    ["file:///etc/passwd", "path_invalid"],
    ["x".repeat(5000), "path_invalid"],
  ])("refuses malformed input %#", async (input, code) => {
    await expect(resolveAllowedPath(input, [root])).rejects.toMatchObject({ code });
  });

  it("says when a path does not exist or is the wrong kind", async () => {
    await expect(resolveAllowedPath(path.join(root, "nope"), [root])).rejects.toMatchObject({ code: "path_not_found" });
    await expect(resolveAllowedDirectory(path.join(root, "run", "file.txt"), [root])).rejects.toMatchObject({ code: "path_not_directory" });
    await expect(resolveAllowedFile(path.join(root, "run"), [root])).rejects.toMatchObject({ code: "path_not_regular_file" });
  });

  it("refuses devices and /proc files even when a root contains them", async () => {
    await expect(resolveAllowedFile("/dev/null", ["/dev"])).rejects.toMatchObject({ code: "path_not_regular_file" });
    await expect(resolveAllowedFile("/proc/self/environ", ["/etc"])).rejects.toMatchObject({ code: "path_outside_roots" });
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const FIXTURES = path.resolve(__dirname, "..", "..", "fixtures", "lm-eval");
export const FAKE_LM_EVAL = path.join(FIXTURES, "fake_lm_eval.mjs");
export const ECHO_METRICS = path.join(FIXTURES, "echo_metrics.mjs");

export function tempDir(prefix = "pma-eval-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A directory that looks enough like an HF checkpoint for the stand-in harness (it hashes *.safetensors). */
export function fakeModel(root: string, name: string, content: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "model.safetensors"), content);
  fs.writeFileSync(path.join(dir, "config.json"), "{}");
  return dir;
}

/** Alive and not a zombie (a container's PID 1 may be slow to reap). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

export async function waitUntil(condition: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

export function errorOf(fn: () => unknown): { code?: string; message: string; permanent?: boolean } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected an error");
}

export async function rejectionOf(promise: Promise<unknown>): Promise<{ code?: string; message: string; permanent?: boolean }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}

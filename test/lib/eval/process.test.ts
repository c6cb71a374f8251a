import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertProcessSucceeded, runProcess } from "../../../lib/eval/process";
import { errorOf, FAKE_LM_EVAL, isAlive, rejectionOf, tempDir, waitUntil } from "./helpers";

const node = process.execPath;
const base = { env: { PATH: process.env.PATH }, gpu: null, timeoutMs: 20_000 };

describe("runProcess", () => {
  it("captures stdout and stderr to the log and reports the exit code", async () => {
    const dir = tempDir();
    const logFile = path.join(dir, "logs", "eval.log");
    const result = await runProcess({ ...base, argv: [node, "-e", 'console.log("to stdout"); console.error("to stderr"); process.exit(3)'], logFile });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, aborted: false, signal: null });
    const log = fs.readFileSync(logFile, "utf8");
    expect(log).toContain("to stdout");
    expect(log).toContain("to stderr");
    expect(log).toContain("exit code 3");
    expect(result.tail).toContain("to stderr");
    const error = errorOf(() => assertProcessSucceeded(result, "evaluator x", 20_000));
    expect(error.code).toBe("eval_exit_code");
    expect(error.permanent).toBe(false);
    expect(error.message).toContain("to stderr");
  });

  it("bounds the log", async () => {
    const logFile = path.join(tempDir(), "eval.log");
    const result = await runProcess({ ...base, argv: [node, "-e", 'process.stdout.write("x".repeat(1 << 20))'], logFile, maxLogBytes: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(result.logTruncated).toBe(true);
    expect(fs.statSync(logFile).size).toBeLessThan(11_000);
    expect(fs.readFileSync(logFile, "utf8")).toContain("log truncated at 10000 bytes");
  });

  it("kills the whole process tree on timeout", async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, "pids.json");
    const started = Date.now();
    const result = await runProcess({
      ...base,
      argv: [node, FAKE_LM_EVAL, "--tasks", "hellaswag"],
      env: { ...base.env, FAKE_LM_EVAL_MODE: "hang", FAKE_LM_EVAL_PID_FILE: pidFile },
      timeoutMs: 1000,
      killGraceMs: 500,
      logFile: path.join(dir, "eval.log"),
    });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
    const [parent, child] = JSON.parse(fs.readFileSync(pidFile, "utf8")) as number[];
    expect(await waitUntil(() => !isAlive(parent) && !isAlive(child))).toBe(true);
    expect(errorOf(() => assertProcessSucceeded(result, "evaluator x", 1000)).code).toBe("eval_timeout");
  });

  it("escalates to SIGKILL when SIGTERM is ignored", async () => {
    const result = await runProcess({
      ...base,
      argv: [node, "-e", 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'],
      timeoutMs: 500,
      killGraceMs: 300,
      logFile: path.join(tempDir(), "eval.log"),
    });
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL" });
  });

  it("kills stragglers left behind when the program exits", async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, "child.pid");
    const script = `const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }); require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); c.unref();`;
    const result = await runProcess({ ...base, argv: [node, "-e", script], logFile: path.join(dir, "eval.log") });
    expect(result.exitCode).toBe(0);
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    expect(await waitUntil(() => !isAlive(pid))).toBe(true);
  });

  it("stops on abort", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await runProcess({ ...base, argv: [node, "-e", "setInterval(() => {}, 1000)"], logFile: path.join(tempDir(), "eval.log"), signal: controller.signal, killGraceMs: 200 });
    expect(result.aborted).toBe(true);
    expect(errorOf(() => assertProcessSucceeded(result, "x", 1)).code).toBe("eval_cancelled");
  });

  it("pins CUDA_VISIBLE_DEVICES and never passes PMA_LAB_* variables on", async () => {
    const dir = tempDir();
    const print = 'console.log("ENV=" + JSON.stringify({ cuda: process.env.CUDA_VISIBLE_DEVICES, token: process.env.PMA_LAB_WORKER_TOKEN ?? null, extra: process.env.HF_HOME ?? null }))';
    const env = { ...base.env, PMA_LAB_WORKER_TOKEN: "secret", CUDA_VISIBLE_DEVICES: "0,1,2,3" };
    await runProcess({ ...base, env, gpu: "2", extraEnv: { HF_HOME: "/hf" }, argv: [node, "-e", print], logFile: path.join(dir, "gpu.log") });
    await runProcess({ ...base, env, gpu: null, argv: [node, "-e", print], logFile: path.join(dir, "cpu.log") });
    expect(fs.readFileSync(path.join(dir, "gpu.log"), "utf8")).toContain('ENV={"cuda":"2","token":null,"extra":"/hf"}');
    expect(fs.readFileSync(path.join(dir, "cpu.log"), "utf8")).toContain('ENV={"cuda":"","token":null,"extra":null}');
  });

  it("reports a missing program clearly", async () => {
    const error = await rejectionOf(runProcess({ ...base, argv: ["definitely-not-lm-eval-xyz", "--tasks", "x"], logFile: path.join(tempDir(), "eval.log") }));
    expect(error.code).toBe("eval_program_not_found");
    expect(error.message).toContain("definitely-not-lm-eval-xyz");
  });
});

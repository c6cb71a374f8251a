import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeTransaction } from "../../../db/client";
import { findJobById, listCheckpoints, listEvaluationsOfTarget, listLatestMetrics, listPublishedArtifacts } from "../../../db/queries";
import { registerCheckpoints } from "../../../lib/checkpoints/register";
import { parseConfig } from "../../../lib/env";
import { checkpointCandidate, enqueueEvaluations } from "../../../lib/eval/enqueue";
import { loadEvaluators } from "../../../lib/eval/registry";
import { llamaTensorSpecs, writeCheckpoint } from "../../helpers/checkpoint-fixtures";
import { tempDataDir } from "../jobs/helpers";
import { ECHO_METRICS, FAKE_LM_EVAL } from "./helpers";
import { checkInvariants } from "../../worker/helpers/invariants";
import { spawnWorker } from "../../worker/helpers/spawn";

describe("evaluate jobs on a real worker process", () => {
  it("runs lm-eval (stand-in) and a command on registered checkpoints, records metrics once, skips them next time", async () => {
    const { db, dataDir } = tempDataDir("pma-evaluate-");
    const runDir = path.join(dataDir, "ckpt", "main");
    const tensors = llamaTensorSpecs({ layers: 1, hidden: 8, intermediate: 16, vocab: 32 });
    for (const step of [1000, 2000]) await writeCheckpoint(path.join(runDir, `step-${step}`), { seed: step, tensors });
    await registerCheckpoints(db, parseConfig({ PMA_LAB_DATA_DIR: dataDir }), { directory: runDir, run: "main", tokensPerStep: 1000 });
    const lmArgv = [process.execPath, FAKE_LM_EVAL, "--model", "hf", "--model_args", "pretrained={model}", "--tasks", "{tasks}", "--output_path", "{output}", "--device", "{device}"];
    fs.writeFileSync(
      path.join(dataDir, "evaluators.json"),
      JSON.stringify({
        evaluators: [
          { name: "lm", kind: "lm-eval", gpu: true, timeoutSeconds: 60, settings: { argv: lmArgv, tasks: ["hellaswag", "mmlu", "wikitext"] } },
          { name: "size", kind: "command", timeoutSeconds: 60, settings: { argv: [process.execPath, ECHO_METRICS, "--model", "{model}", "--metrics", "{metrics}"] } },
          { name: "broken", kind: "lm-eval", timeoutSeconds: 60, settings: { argv: lmArgv, tasks: ["piqa"], env: { FAKE_LM_EVAL_MODE: "fail" } } },
        ],
      }),
    );
    const registry = loadEvaluators(dataDir, {});
    const checkpoints = listCheckpoints(db, 1);
    const candidates = checkpoints.map(checkpointCandidate);
    const first = writeTransaction(db, (tx) => enqueueEvaluations(tx, registry, ["lm", "size", "broken"], candidates));
    expect(first.queued).toHaveLength(6);

    const worker = spawnWorker(dataDir, ["--exit-when-idle", "--poll-ms", "50", "--lease-seconds", "10"]);
    const exit = await worker.exited;
    expect(exit.code).toBe(0);

    const evaluations = checkpoints.flatMap((c) => listEvaluationsOfTarget(db, { checkpointId: c.id }));
    expect(evaluations.filter((e) => e.status === "succeeded").map((e) => e.evaluator).sort()).toEqual(["lm", "lm", "size", "size"]);
    const broken = evaluations.filter((e) => e.evaluator === "broken");
    expect(broken.map((e) => [e.status, e.error?.code])).toEqual([
      ["failed", "eval_exit_code"],
      ["failed", "eval_exit_code"],
    ]);
    expect(findJobById(db, broken[0].jobId!)!.attempts).toBe(3);

    const metrics = listLatestMetrics(db, { checkpointIds: checkpoints.map((c) => c.id) });
    const of = (checkpointId: number, name: string) => metrics.find((m) => m.checkpointId === checkpointId && m.name === name);
    expect(of(checkpoints[0].id, "mmlu/acc")).toMatchObject({ evaluator: "lm", higherIsBetter: true });
    expect(of(checkpoints[0].id, "wikitext/word_perplexity")).toMatchObject({ stderr: null, higherIsBetter: false, n: 62 });
    expect(of(checkpoints[0].id, "hellaswag/acc")!.value).not.toBe(of(checkpoints[1].id, "hellaswag/acc")!.value);
    expect(of(checkpoints[1].id, "model/bytes")!.value).toBeGreaterThan(0);

    const succeeded = evaluations.find((e) => e.evaluator === "lm")!;
    const raw = listPublishedArtifacts(db).find((a) => a.id === succeeded.rawArtifactId)!;
    expect(raw.name).toBe(`evals/${succeeded.key}`);
    expect(raw.files).toEqual(expect.arrayContaining(["evaluator.log"]));
    expect(fs.readFileSync(path.join(dataDir, "artifacts", raw.name, "evaluator.log"), "utf8")).toContain("Selected Tasks");

    const again = writeTransaction(db, (tx) => enqueueEvaluations(tx, registry, ["lm", "size"], candidates));
    expect(again.queued).toHaveLength(0);
    checkInvariants(db, dataDir);
  }, 60_000);
});

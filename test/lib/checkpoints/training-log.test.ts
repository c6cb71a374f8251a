import { describe, expect, it } from "vitest";
import { parseCsvLog, parseJsonlLog, parseTrainerState } from "../../../lib/checkpoints/training-log";

describe("training logs", () => {
  it("reads HF trainer_state.json log_history", () => {
    const text = JSON.stringify({
      global_step: 20,
      num_input_tokens_seen: 40960,
      log_history: [
        { step: 10, loss: 3.5, learning_rate: 1e-3, grad_norm: 1.2, epoch: 0.1 },
        { step: 20, loss: 3.1, learning_rate: 1e-3 },
        { epoch: 1, train_runtime: 5 },
      ],
    });
    const state = parseTrainerState(text, "trainer_state.json");
    expect(state.globalStep).toBe(20);
    expect(state.tokensSeen).toBe(40960);
    expect(state.rows).toEqual([
      { step: 10, values: { loss: 3.5, lr: 1e-3, grad_norm: 1.2 } },
      { step: 20, values: { loss: 3.1, lr: 1e-3 } },
    ]);
  });

  it("reads JSONL and CSV logs with common column names", () => {
    const jsonl = '{"step": 1, "loss": 4, "lr": 0.001, "tokens": 1024}\n\n{"iteration": 2, "train/loss": 3.9}\n';
    expect(parseJsonlLog(jsonl, "log.jsonl")).toEqual([
      { step: 1, tokens: 1024, values: { loss: 4, lr: 0.001 } },
      { step: 2, values: { loss: 3.9 } },
    ]);
    const csv = "step,loss,learning_rate,grad_norm\n1,4.0,0.001,2.5\n2,3.8,,\n";
    expect(parseCsvLog(csv, "log.csv")).toEqual([
      { step: 1, values: { loss: 4, lr: 0.001, grad_norm: 2.5 } },
      { step: 2, values: { loss: 3.8 } },
    ]);
  });

  it("names the file and line of malformed input", () => {
    expect(() => parseJsonlLog('{"step": 1}\nnot json\n', "log.jsonl")).toThrow(/log\.jsonl: line 2/);
    expect(() => parseJsonlLog('{"step": -3}\n', "log.jsonl")).toThrow(/line 1: step "-3"/);
    expect(() => parseCsvLog("loss,lr\n1,2\n", "log.csv")).toThrow(/no step column/);
    expect(() => parseCsvLog("step,loss\n1,2,3\n", "log.csv")).toThrow(/line 2 has 3 columns/);
    expect(() => parseTrainerState("{", "trainer_state.json")).toThrow(/not valid JSON/);
  });
});

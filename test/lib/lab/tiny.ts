import type { ModelConfig } from "../../../lib/lab/config";
import { DEFAULT_ADAMW } from "../../../lib/lab/optimizer";
import { constantSchedule } from "../../../lib/lab/schedule";
import type { TrainPlan } from "../../../lib/lab/train";

/** A model small enough that a few dozen training steps take a second or two. */
export const TINY_MODEL: ModelConfig = {
  vocabSize: 256,
  hidden: 16,
  intermediate: 40,
  layers: 1,
  heads: 2,
  maxPositions: 16,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  tieWordEmbeddings: false,
  initStd: 0.02,
};

export function tinyPlan(dir: string, overrides: Partial<TrainPlan> = {}): TrainPlan {
  return {
    run: "tiny",
    dir,
    model: TINY_MODEL,
    init: { kind: "random", seed: 7 },
    dataSeed: 3,
    batch: 4,
    seqLen: 16,
    startStep: 0,
    endStep: 30,
    checkpointEvery: 10,
    schedule: constantSchedule(1e-2, 5),
    optimizer: DEFAULT_ADAMW,
    dtype: "F32",
    ...overrides,
  };
}

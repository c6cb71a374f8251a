import type { ModelConfig } from "./config";
import type { EvalOptions } from "./evaluate";
import type { AdamWConfig } from "./optimizer";

/**
 * The lab's two sizes. Every number here was tuned on the 2-core reference machine so that the whole lab
 * fits its time budget (ci ≤ 3 min, demo ≤ 10 min wall, two runs training at once) and still shows the
 * paper's qualitative findings; the README gives the measured results.
 *
 * Steps are optimizer steps of batch × seqLen bytes. The main run is a WSD run with no decay (its stable
 * phase is what gets merged); each annealed branch forks from a main checkpoint and decays to
 * `minLrRatio × lr` over `decaySteps` — the same token budget for every branch.
 */
export interface LabScale {
  name: string;
  model: ModelConfig;
  batch: number;
  seqLen: number;
  /** V: steps between checkpoints, in every run. */
  checkpointEvery: number;
  seed: number;
  optimizer: AdamWConfig;
  main: { steps: number; warmup: number; lr: number };
  branches: { forks: number[]; decaySteps: number; minLrRatio: number };
  /**
   * The deliberately unstable run: from scratch with a long linear warmup towards a peak LR far above the
   * main run's, Adam's β2 = 0.999, no clipping and no weight decay (the regime of Wortsman et al. 2023, the
   * instability proxy the paper cites). It learns while the LR is moderate, then spikes once the LR passes
   * what the model tolerates, and does not come back down.
   */
  unstable: { steps: number; warmup: number; lr: number; optimizer: AdamWConfig; divergeAbove: number; checkpointEvery: number };
  /** The two restarts from before the spike: `window` checkpoints averaged (PMA-init) vs the latest alone. */
  restart: { steps: number; warmup: number; window: number };
  eval: Required<Pick<EvalOptions, "sequences" | "seqLen" | "batch">>;
  workers: number;
}

const model = (hidden: number, layers: number, heads: number, seqLen: number): ModelConfig => ({
  vocabSize: 256,
  hidden,
  // SwiGLU's usual 8/3 expansion, rounded to a multiple of 8.
  intermediate: Math.round((hidden * 8) / 3 / 8) * 8,
  layers,
  heads,
  maxPositions: seqLen,
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  tieWordEmbeddings: false,
  initStd: 0.02,
});

const ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clip: 1 };
const UNSTABLE_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clip: 0 };

export const LAB_SCALES = {
  ci: {
    name: "ci",
    model: model(64, 2, 2, 64),
    batch: 8,
    seqLen: 64,
    checkpointEvery: 32,
    seed: 1234,
    optimizer: ADAMW,
    main: { steps: 1280, warmup: 50, lr: 6e-3 },
    branches: { forks: [736, 896, 1056], decaySteps: 224, minLrRatio: 0.01 },
    unstable: { steps: 300, warmup: 300, lr: 0.1, optimizer: UNSTABLE_ADAMW, divergeAbove: 7, checkpointEvery: 20 },
    restart: { steps: 120, warmup: 10, window: 3 },
    eval: { sequences: 128, seqLen: 64, batch: 32 },
    workers: 2,
  },
  demo: {
    name: "demo",
    model: model(64, 2, 2, 64),
    batch: 8,
    seqLen: 64,
    checkpointEvery: 40,
    seed: 1234,
    optimizer: ADAMW,
    main: { steps: 3200, warmup: 80, lr: 6e-3 },
    branches: { forks: [1200, 1600, 2000, 2400], decaySteps: 400, minLrRatio: 0.01 },
    unstable: { steps: 300, warmup: 300, lr: 0.1, optimizer: UNSTABLE_ADAMW, divergeAbove: 7, checkpointEvery: 20 },
    restart: { steps: 150, warmup: 10, window: 3 },
    eval: { sequences: 128, seqLen: 64, batch: 32 },
    workers: 2,
  },
  /**
   * Tests only (the lab job driven by a real worker process): a 1-layer model of width 16 whose whole lab —
   * six runs in child processes — trains in a few seconds. It proves the plumbing, not the science.
   */
  tiny: {
    name: "tiny",
    model: model(16, 1, 2, 16),
    batch: 4,
    seqLen: 16,
    checkpointEvery: 5,
    seed: 1234,
    optimizer: ADAMW,
    main: { steps: 80, warmup: 5, lr: 1e-2 },
    branches: { forks: [40, 55], decaySteps: 20, minLrRatio: 0.01 },
    unstable: { steps: 40, warmup: 40, lr: 1, optimizer: UNSTABLE_ADAMW, divergeAbove: 7, checkpointEvery: 5 },
    restart: { steps: 10, warmup: 2, window: 3 },
    eval: { sequences: 8, seqLen: 16, batch: 8 },
    workers: 2,
  },
} satisfies Record<string, LabScale>;

export type LabScaleName = keyof typeof LAB_SCALES;

export function isScaleName(value: string): value is LabScaleName {
  return Object.hasOwn(LAB_SCALES, value);
}

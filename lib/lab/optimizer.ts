import type { OptimizerState } from "./checkpoint-io";
import type { ParamSpec } from "./params";
import { tf } from "./tf";

/**
 * AdamW (Loshchilov & Hutter: decoupled weight decay) with global-norm gradient clipping, as tfjs ops on
 * the parameters autodiff gave gradients for. The moments live in tfjs variables and round-trip through
 * host arrays for checkpoints, bit for bit.
 */
export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global gradient-norm ceiling; 0 disables clipping. */
  clip: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clip: 1 };

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  t = 0;

  constructor(
    private readonly specs: ParamSpec[],
    private readonly config: AdamWConfig,
    state?: OptimizerState,
  ) {
    for (const spec of specs) {
      const m0 = state?.m.get(spec.name);
      const v0 = state?.v.get(spec.name);
      this.m.set(spec.name, tf.variable(m0 ? tf.tensor(m0, spec.shape) : tf.zeros(spec.shape), false));
      this.v.set(spec.name, tf.variable(v0 ? tf.tensor(v0, spec.shape) : tf.zeros(spec.shape), false));
    }
    this.t = state?.t ?? 0;
  }

  /** Applies one update; returns the gradient norm before clipping. */
  apply(params: Map<string, tf.Variable>, grads: tf.NamedTensorMap, lr: number): number {
    const { beta1, beta2, eps, weightDecay, clip } = this.config;
    const names = this.specs.map((s) => s.name);
    const gradOf = (name: string) => grads[params.get(name)!.name];
    const norm = tf.tidy(() => tf.sqrt(tf.addN(names.map((name) => tf.sum(tf.square(gradOf(name)))))).dataSync()[0]);
    const scale = clip > 0 && norm > clip ? clip / (norm + 1e-6) : 1;
    this.t += 1;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      for (const spec of this.specs) {
        const p = params.get(spec.name)!;
        const g = scale === 1 ? gradOf(spec.name) : tf.mul(gradOf(spec.name), scale);
        const m = this.m.get(spec.name)!;
        const v = this.v.get(spec.name)!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const step = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), eps));
        const decayed = spec.decay && weightDecay > 0 ? tf.mul(p, 1 - lr * weightDecay) : p;
        p.assign(tf.sub(decayed, tf.mul(step, lr)));
      }
    });
    return norm;
  }

  state(): OptimizerState {
    const read = (vars: Map<string, tf.Variable>) => new Map([...vars].map(([name, variable]) => [name, new Float32Array(variable.dataSync())]));
    return { t: this.t, m: read(this.m), v: read(this.v) };
  }

  dispose(): void {
    for (const variable of [...this.m.values(), ...this.v.values()]) variable.dispose();
  }
}

import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 penalty added to the gradient (PyTorch `Adam(weight_decay)`), not decoupled AdamW. */
  weightDecay?: number;
}

/**
 * Adam with PyTorch's semantics: optional global-norm clipping of the raw gradients, then
 * `g ← g + λ·p`, then `p ← p − lr · m̂ / (√v̂ + ε)` with bias-corrected moments. (tfjs's
 * AdamOptimizer folds the bias correction into the learning rate, which moves ε; this one
 * matches `torch.optim.Adam`.)
 *
 * Every variable it updates is handled as one flat vector: the moments are two flat
 * variables and each step dispatches a fixed ~20 kernels however many layers there are —
 * on the wasm backend, kernel dispatch, not arithmetic, dominates a small model's step.
 * State exists only for the variables it is asked to update, and they must be the same
 * variables at every step.
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private m: tf.Variable | undefined;
  private v: tf.Variable | undefined;
  private tracked: readonly tf.Variable[] = [];
  private t = 0;

  constructor(opts: AdamOptions) {
    if (!(opts.learningRate > 0)) {
      throw new RangeError(`learningRate: must be > 0, got ${opts.learningRate}`);
    }
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    if (!(this.weightDecay >= 0)) {
      throw new RangeError(`weightDecay: must be >= 0, got ${this.weightDecay}`);
    }
  }

  /** Number of parameters with optimizer state (each has one first and one second moment). */
  get stateSize(): number {
    return this.m?.size ?? 0;
  }

  /**
   * One update. `grads[i]` is the gradient of `variables[i]`. With `clipNorm`, the
   * gradients are first scaled by max_norm / (‖g‖ + 1e-6) when that is below 1 (PyTorch's
   * `clip_grad_norm_`), before weight decay. `learningRate` replaces the constructor's rate
   * for this step only (schedules); `rateScale` multiplies each parameter's step — one value
   * per parameter, in the order of `variables` flattened (discriminative rates per block).
   */
  step(
    variables: readonly tf.Variable[],
    grads: readonly tf.Tensor[],
    opts: { clipNorm?: number | null; learningRate?: number; rateScale?: tf.Tensor1D } = {},
  ): void {
    this.track(variables);
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = Math.sqrt(1 - this.beta2 ** this.t);
    const lr = opts.learningRate ?? this.learningRate;
    if (!(lr >= 0)) throw new RangeError(`learningRate: must be >= 0, got ${lr}`);
    const scale = opts.rateScale;
    if (scale && scale.size !== (this.m as tf.Variable).size) {
      throw new RangeError(
        `rateScale: ${scale.size} values for ${(this.m as tf.Variable).size} parameters`,
      );
    }
    // lr·m̂/(√v̂+ε) = (lr/c1)·m / (√v/c2 + ε)
    const stepSize = lr / c1;
    const m = this.m as tf.Variable;
    const v = this.v as tf.Variable;
    tf.tidy(() => {
      const flat = (ts: readonly tf.Tensor[]) =>
        ts.length === 1 ? tf.reshape(ts[0]!, [-1]) : tf.concat(ts.map((x) => tf.reshape(x, [-1])));
      let g = flat(grads);
      if (opts.clipNorm != null) {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        g = tf.mul(g, tf.minimum(1, tf.div(opts.clipNorm, tf.add(norm, 1e-6))));
      }
      const p = flat(variables);
      if (this.weightDecay > 0) g = tf.add(g, tf.mul(p, this.weightDecay));
      const mNext = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
      const vNext = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      m.assign(mNext);
      v.assign(vNext);
      let update = tf.mul(
        tf.div(mNext, tf.add(tf.div(tf.sqrt(vNext), c2), this.epsilon)),
        stepSize,
      );
      // only when asked: without it the step is the exact kernels it always was
      if (scale) update = tf.mul(update, scale);
      const next = tf.sub(p, update);
      const parts =
        variables.length === 1
          ? [next]
          : tf.split(
              next,
              variables.map((x) => x.size),
            );
      variables.forEach((x, i) => {
        x.assign(tf.reshape(parts[i]!, x.shape));
      });
    });
  }

  private track(variables: readonly tf.Variable[]): void {
    if (this.m) {
      if (
        variables.length !== this.tracked.length ||
        variables.some((x, i) => x !== this.tracked[i])
      ) {
        throw new Error(
          'Adam: step() must get the same variables every time (make a new optimizer)',
        );
      }
      return;
    }
    this.tracked = [...variables];
    const size = variables.reduce((s, x) => s + x.size, 0);
    this.m = tf.variable(tf.zeros([size]), false);
    this.v = tf.variable(tf.zeros([size]), false);
  }

  dispose(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = undefined;
    this.v = undefined;
  }
}

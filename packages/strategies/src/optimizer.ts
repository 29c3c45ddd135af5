import * as tf from '@tensorflow/tfjs-core';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 penalty added to the gradient (PyTorch `Adam(weight_decay)`), not decoupled AdamW. */
  weightDecay?: number;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
}

/**
 * Adam with PyTorch's semantics: `g ← g + λ·p`, then
 * `p ← p − lr · m̂ / (√v̂ + ε)` with bias-corrected moments. (tfjs's AdamOptimizer folds the
 * bias correction into the learning rate, which moves ε; this one matches `torch.optim.Adam`.)
 * State exists only for the variables it is asked to update.
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly slots = new Map<tf.Variable, Slot>();
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

  /** Variables that have optimizer state. */
  get stateSize(): number {
    return this.slots.size;
  }

  /** One update. `grads[i]` is the gradient of `variables[i]`. */
  step(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    this.t += 1;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = Math.sqrt(1 - this.beta2 ** this.t);
    // lr·m̂/(√v̂+ε) = (lr/c1)·m / (√v/c2 + ε)
    const stepSize = this.learningRate / c1;
    tf.tidy(() => {
      variables.forEach((p, i) => {
        let g = grads[i] as tf.Tensor;
        if (this.weightDecay > 0) g = tf.add(g, tf.mul(p, this.weightDecay));
        const slot = this.slot(p);
        const m = tf.add(tf.mul(slot.m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        slot.m.assign(m);
        slot.v.assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), c2), this.epsilon);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  private slot(p: tf.Variable): Slot {
    let s = this.slots.get(p);
    if (!s) {
      // tidy frees zerosLike's tensor; the variable keeps its own reference to the data
      s = tf.tidy(() => ({
        m: tf.variable(tf.zerosLike(p), false),
        v: tf.variable(tf.zerosLike(p), false),
      }));
      this.slots.set(p, s);
    }
    return s;
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }
}

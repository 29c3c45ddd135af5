import { BatchIterator, type Dataset, DEFAULT_SEED, type Seed } from '@rvft/data';
import { checkNumber, checkOneOf } from '@rvft/errors';
import type { TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from './optimizer';

/** How the rate falls after warmup. */
export type LrDecay = 'constant' | 'linear' | 'cosine';

/**
 * A learning-rate schedule over the planned steps (epochs × batches per epoch): linear warmup
 * over the first `warmupFraction` of them, then `decay`.
 */
export interface LrSchedule {
  /** Share of the planned steps spent warming up, 0 to 1 (default 0; 0.05–0.1 is usual). */
  warmupFraction?: number;
  /** After warmup (default `'constant'`). */
  decay?: LrDecay;
}

const DECAYS: readonly LrDecay[] = ['constant', 'linear', 'cosine'];

function checkSchedule(where: string, s: LrSchedule): { warmupFraction: number; decay: LrDecay } {
  return {
    warmupFraction: checkNumber(where, 'schedule.warmupFraction', s.warmupFraction ?? 0, {
      min: 0,
      max: 1,
    }),
    decay: checkOneOf(where, 'schedule.decay', s.decay ?? 'constant', DECAYS),
  };
}

/**
 * The learning rate of step `step` (1-based) of `totalSteps` under `schedule`. Warmup: the
 * first W = round(warmupFraction · totalSteps) steps (at least 1 when the fraction is above 0)
 * run at base · step / W — the first step already moves, the W-th is at the base rate. Then,
 * with p = (step − W − 1) / (totalSteps − W) — 0 at the first step after warmup, below 1 at
 * the last — `constant` keeps base, `linear` gives base · (1 − p), `cosine`
 * base · (1 + cos πp) / 2; no step is wasted at rate 0.
 *
 * @example
 * const s = { warmupFraction: 0.2, decay: 'linear' } as const;
 * learningRateAt(s, 0.01, 1, 10); // → 0.005 — W = 2 warmup steps: half the rate, then all of it
 * learningRateAt(s, 0.01, 3, 10); // → 0.01 — first step after warmup, p = 0
 * learningRateAt(s, 0.01, 7, 10); // → 0.005 — p = 4 / 8
 * learningRateAt({ decay: 'cosine' }, 0.01, 6, 10); // → 0.005 — p = 5 / 10, cos(π/2) = 0
 */
export function learningRateAt(
  schedule: LrSchedule,
  baseRate: number,
  step: number,
  totalSteps: number,
): number {
  const where = 'learningRateAt';
  const { warmupFraction, decay } = checkSchedule(where, schedule);
  checkNumber(where, 'baseRate', baseRate, { min: 0 });
  checkNumber(where, 'totalSteps', totalSteps, { integer: true, min: 1 });
  checkNumber(where, 'step', step, { integer: true, min: 1 });
  const warm =
    warmupFraction > 0
      ? Math.min(totalSteps, Math.max(1, Math.round(warmupFraction * totalSteps)))
      : 0;
  if (step <= warm) return (baseRate * step) / warm;
  const p = Math.min(1, (step - warm - 1) / (totalSteps - warm));
  if (decay === 'linear') return baseRate * (1 - p);
  if (decay === 'cosine') return (baseRate * (1 + Math.cos(Math.PI * p))) / 2;
  return baseRate;
}

/**
 * Discriminative rates (ULMFiT): one rate multiplier per variable of
 * `model.trainableVariables()`. The head gets 1, the top trunk block 1/factor, the block
 * below 1/factor², and so on down.
 */
export function discriminativeScales(model: TrunkHeadModel, factor: number): number[] {
  checkNumber('discriminativeScales', 'factor', factor, { min: 1 });
  const scaleOf = new Map<tf.Variable, number>();
  const blocks = model.trunkBlocks();
  blocks.forEach((block, i) => {
    const scale = factor ** -(blocks.length - i);
    for (const layer of block) {
      for (const w of layer.trainableWeights) scaleOf.set(w.read() as tf.Variable, scale);
    }
  });
  return model.trainableVariables().map((v) => scaleOf.get(v) ?? 1);
}

export interface EpochInfo {
  /** 0-based. */
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch's examples. */
  loss: number;
  valLoss?: number;
  valAccuracy?: number;
  elapsedS: number;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** Default 64. */
  batchSize?: number;
  /** L2 added to the gradient, PyTorch `Adam(weight_decay)` (default 1e-4). */
  weightDecay?: number;
  /** Global gradient-norm clip; null or undefined for none. */
  clipNorm?: number | null;
  /** Seeds the batch order (default 42): the same seed gives every strategy the same batches. */
  seed?: Seed;
  /**
   * Weights of each class in the loss: `'balanced'` gives class c the weight
   * n / (k · n_c) over the k classes present in the training data (scikit-learn's
   * `class_weight='balanced'`), or one weight per output. The batch loss is the weighted
   * mean Σ w_y·ce / Σ w_y (PyTorch `CrossEntropyLoss(weight=…)`). Default: unweighted.
   */
  classWeights?: ClassWeights;
  /** Evaluated after every epoch; enables early stopping. */
  validation?: Dataset;
  earlyStopping?: {
    /** Epochs without improvement before stopping (default 3). */
    patience?: number;
    /** Improvement in validation loss that counts (default 0). */
    minDelta?: number;
    /**
     * Put back the weights of the best epoch when training ends — stopped early or out of
     * epochs (default true).
     */
    restoreBest?: boolean;
  };
  /**
   * With validation and restore-best: the weights training starts from compete with every
   * epoch's (warm starts — an update that never beats the champion on the validation rows
   * gives the champion's weights back). Default false.
   */
  startIsCandidate?: boolean;
  onEpochEnd?: (info: EpochInfo) => void | Promise<void>;
  /** After every optimisation step, with the step count so far. */
  onBatchEnd?: (step: number) => void;
  /** Stops cleanly between two steps; the model keeps the last completed step. */
  signal?: AbortSignal;
  /**
   * Learning-rate schedule over the planned steps (see `learningRateAt`). Default: none —
   * every step at `learningRate`, exactly as without the option.
   */
  schedule?: LrSchedule;
  /**
   * Discriminative rates: each trunk block below the head trains at the rate of the block
   * above divided by this factor (ULMFiT: 2.6). Default: none — one rate for everything.
   */
  discriminative?: number;
}

/** Mini-batch size when none is given (the reference's). */
export const DEFAULT_BATCH_SIZE = 64;

export type StopReason = 'completed' | 'early-stopping' | 'aborted';

export type ClassWeights = 'balanced' | readonly number[];

export interface TrainResult {
  /** Mean training loss per completed epoch. */
  losses: number[];
  valLosses: number[];
  finalLoss: number;
  epochs: number;
  steps: number;
  wallS: number;
  stopped: StopReason;
  /**
   * 0-based epoch whose weights the model ends with, when validation chose them; -1: the
   * starting weights (`startIsCandidate`).
   */
  bestEpoch?: number;
  /** The loss weight of each output, when classWeights was given. */
  classWeights?: number[];
}

/**
 * The loss weight of each of `nOutputs` classes. `'balanced'`: n / (k · n_c) over the k
 * classes present in `data`, and 1 for outputs with no example (they never weigh a batch).
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * const data = new Dataset({ features: [0, 0, 0, 1], labels: [0, 0, 0, 1], nFeatures: 1 });
 * // n / (k · n_c) = 4 / (2 · 3) and 4 / (2 · 1); output 2 has no rows
 * resolveClassWeights('balanced', data, 3); // → [0.6667, 2, 1]
 */
export function resolveClassWeights(
  weights: ClassWeights,
  data: Dataset,
  nOutputs: number,
): number[] {
  if (weights === 'balanced') {
    const counts = data.classCounts(nOutputs);
    const present = counts.filter((c) => c > 0).length;
    return counts.slice(0, nOutputs).map((c) => (c > 0 ? data.nRows / (present * c) : 1));
  }
  if (!Array.isArray(weights) || weights.length !== nOutputs) {
    throw new RangeError(
      `classWeights: expected 'balanced' or ${nOutputs} weights (one per output), got ${Array.isArray(weights) ? `${weights.length} weights` : String(weights)}`,
    );
  }
  weights.forEach((w, k) => {
    if (!(Number.isFinite(w) && w >= 0)) {
      throw new RangeError(`classWeights: weight ${k} is ${w} (must be a finite number >= 0)`);
    }
  });
  if (!weights.some((w) => w > 0)) throw new RangeError('classWeights: every weight is 0');
  return [...weights];
}

// Yield to the event loop this often so timers (and AbortSignal.timeout) can fire.
const YIELD_EVERY_MS = 50;

/** Checks trainLoop's options against the data and model (lrFind shares it; not public). */
export function checkOptions(o: TrainOptions, data: Dataset, model: TrunkHeadModel): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) {
    throw new RangeError(`epochs: must be a whole number >= 1, got ${o.epochs}`);
  }
  if (!(o.learningRate > 0))
    throw new RangeError(`learningRate: must be > 0, got ${o.learningRate}`);
  if (o.clipNorm != null && !(o.clipNorm > 0)) {
    throw new RangeError(`clipNorm: must be > 0 (or null for none), got ${o.clipNorm}`);
  }
  if (o.schedule !== undefined) checkSchedule('trainLoop', o.schedule);
  if (o.discriminative !== undefined) {
    checkNumber('trainLoop', 'discriminative', o.discriminative, { min: 1 });
  }
  if (data.nFeatures !== model.inputDim) {
    throw new RangeError(`data: ${data.nFeatures} features, the model takes ${model.inputDim}`);
  }
  // the largest label present (a dataset may name classes that none of its rows has)
  let maxLabel = 0;
  for (const l of data.labels) if (l > maxLabel) maxLabel = l;
  if (maxLabel >= model.outputDim) {
    throw new RangeError(
      `data: label ${maxLabel} but the model has ${model.outputDim} outputs (expandHead first)`,
    );
  }
}

/**
 * Mean cross-entropy of logits against integer labels; with class weights, the weighted
 * mean Σ w_y·ce / Σ w_y (PyTorch's `CrossEntropyLoss(weight=…)` reduction).
 */
function crossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  nClasses: number,
  classWeights?: tf.Tensor1D,
): tf.Scalar {
  const onehot = tf.oneHot(labels, nClasses);
  if (!classWeights) return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
  const perExample = tf.losses.softmaxCrossEntropy(
    onehot,
    logits,
    undefined,
    undefined,
    tf.Reduction.NONE,
  );
  const w = tf.gather(classWeights, labels);
  return tf.div(tf.sum(tf.mul(perExample, w)), tf.sum(w)) as tf.Scalar;
}

export interface TrainStepOptions {
  learningRate: number;
  weightDecay?: number;
  clipNorm?: number | null;
  /** One loss weight per output (see `resolveClassWeights`). */
  classWeights?: readonly number[];
  /** One rate multiplier per trainable variable (see `discriminativeScales`). */
  rateScales?: readonly number[];
}

/**
 * One optimisation step on a batch: forward, cross-entropy, gradients of the trainable
 * variables only, optional global-norm clipping, Adam. Owns the optimizer state; `dispose()`
 * frees it. The loop and the micro-benchmark both run exactly this.
 */
export class TrainStep {
  readonly variables: tf.Variable[];
  private readonly optimizer: Adam;
  private readonly clip: number | null;
  private readonly nClasses: number;
  private readonly classWeights: tf.Tensor1D | undefined;
  private readonly rateScale: tf.Tensor1D | undefined;

  constructor(
    readonly model: TrunkHeadModel,
    opts: TrainStepOptions,
  ) {
    this.variables = model.trainableVariables();
    if (this.variables.length === 0)
      throw new Error('trainLoop: the model has no trainable variables');
    this.optimizer = new Adam({
      learningRate: opts.learningRate,
      weightDecay: opts.weightDecay ?? 1e-4,
    });
    this.clip = opts.clipNorm ?? null;
    this.nClasses = model.outputDim;
    if (opts.classWeights && opts.classWeights.length !== this.nClasses) {
      throw new RangeError(
        `classWeights: ${opts.classWeights.length} weights for ${this.nClasses} outputs`,
      );
    }
    this.classWeights = opts.classWeights
      ? tf.keep(tf.tensor1d([...opts.classWeights], 'float32'))
      : undefined;
    const scales = opts.rateScales;
    if (scales && scales.length !== this.variables.length) {
      throw new RangeError(
        `rateScales: ${scales.length} values for ${this.variables.length} trainable variables`,
      );
    }
    this.rateScale = scales
      ? tf.keep(
          tf.tensor1d(
            this.variables.flatMap((v, i) => new Array<number>(v.size).fill(scales[i] as number)),
            'float32',
          ),
        )
      : undefined;
  }

  /**
   * Runs one step and returns the batch's mean loss as a scalar tensor (caller disposes).
   * `learningRate` replaces the constructor's for this step (schedules).
   */
  run(x: tf.Tensor2D, y: tf.Tensor1D, learningRate?: number): tf.Scalar {
    const { model, variables, nClasses, clip, classWeights, rateScale } = this;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(model.forward(x, true), y, nClasses, classWeights),
        variables,
      );
      const gradList = variables.map((v) => grads[v.name] as tf.Tensor);
      this.optimizer.step(variables, gradList, {
        clipNorm: clip,
        ...(learningRate !== undefined ? { learningRate } : {}),
        ...(rateScale ? { rateScale } : {}),
      });
      return value;
    });
  }

  dispose(): void {
    this.optimizer.dispose();
    this.classWeights?.dispose();
    this.rateScale?.dispose();
  }
}

/**
 * Validation loss and accuracy in inference mode, without a gradient tape. With class
 * weights the loss is weighted the way training weighs it.
 *
 * @example
 * import { Dataset } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const model = createMlp({ inputDim: 2, hiddenDims: [4], outputDim: 2, seed: 1 });
 * // all-zero rows: a fresh model's logits are all 0 — probabilities 1/2, argmax class 0
 * const rows = new Dataset({ features: [0, 0, 0, 0, 0, 0], labels: [0, 1, 0], nFeatures: 2 });
 * lossAndAccuracy(model, rows); // → { loss: 0.6931, accuracy: 0.6667 } — ln 2, and 2 of 3 rows
 */
export function lossAndAccuracy(
  model: TrunkHeadModel,
  data: Dataset,
  opts: { classWeights?: readonly number[] } = {},
): { loss: number; accuracy: number } {
  const [loss, correct] = tf.tidy(() => {
    const logits = model.predictLogits(data);
    const labels = tf.tensor1d(data.labels, 'int32');
    const cw = opts.classWeights ? tf.tensor1d([...opts.classWeights], 'float32') : undefined;
    const l = crossEntropy(logits, labels, model.outputDim, cw);
    const c = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
    return [l, c];
  });
  const out = {
    loss: loss.dataSync()[0] as number,
    accuracy: (correct.dataSync()[0] as number) / data.nRows,
  };
  tf.dispose([loss, correct]);
  return out;
}

/**
 * The one training loop every strategy uses: seeded mini-batches, softmax cross-entropy,
 * Adam with L2 in the gradient, optional global-norm clipping, per-epoch loss, callbacks,
 * abort and early stopping. Only the model's trainable variables get gradients and optimizer
 * state. The epoch's loss is summed on the device and read once per epoch.
 *
 * A last batch of a single example is skipped: BatchNorm cannot normalise one example.
 */
export async function trainLoop(
  model: TrunkHeadModel,
  data: Dataset,
  opts: TrainOptions,
): Promise<TrainResult> {
  checkOptions(opts, data, model);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const batches = new BatchIterator(data, { batchSize, seed: opts.seed ?? DEFAULT_SEED });
  const classWeights = opts.classWeights
    ? resolveClassWeights(opts.classWeights, data, model.outputDim)
    : undefined;
  const trainStep = new TrainStep(model, {
    learningRate: opts.learningRate,
    ...(opts.weightDecay !== undefined ? { weightDecay: opts.weightDecay } : {}),
    ...(opts.clipNorm !== undefined ? { clipNorm: opts.clipNorm } : {}),
    ...(classWeights ? { classWeights } : {}),
    ...(opts.discriminative !== undefined
      ? { rateScales: discriminativeScales(model, opts.discriminative) }
      : {}),
  });
  // the schedule runs over the planned steps: a last batch of one example is never a step
  const rest = data.nRows % batchSize;
  const plannedSteps = opts.epochs * (Math.floor(data.nRows / batchSize) + (rest >= 2 ? 1 : 0));
  const rateAt = (step: number): number | undefined =>
    opts.schedule
      ? learningRateAt(opts.schedule, opts.learningRate, step, Math.max(1, plannedSteps))
      : undefined;
  const patience = opts.earlyStopping?.patience ?? 3;
  const minDelta = opts.earlyStopping?.minDelta ?? 0;
  const restoreBest = opts.earlyStopping?.restoreBest ?? true;

  const start = performance.now();
  let lastYield = start;
  const losses: number[] = [];
  const valLosses: number[] = [];
  let steps = 0;
  let stopped: StopReason = 'completed';
  let best = { loss: Number.POSITIVE_INFINITY, epoch: -1 };
  let bestSnapshot: ReturnType<TrunkHeadModel['snapshot']> | undefined;
  const restoring =
    opts.validation !== undefined && opts.earlyStopping !== undefined && restoreBest;
  if (restoring && opts.startIsCandidate) {
    // the starting weights are a candidate too: an update that never beats them on the
    // validation rows gives them back instead of shipping something worse than the champion
    best = {
      loss: lossAndAccuracy(model, opts.validation as Dataset, classWeights ? { classWeights } : {})
        .loss,
      epoch: -1,
    };
    bestSnapshot = model.snapshot();
  }

  try {
    epochs: for (let epoch = 0; epoch < opts.epochs; epoch++) {
      let lossSum = tf.scalar(0);
      let seen = 0;
      for (const batch of batches.epoch(epoch)) {
        if (opts.signal?.aborted) {
          lossSum.dispose();
          stopped = 'aborted';
          break epochs;
        }
        if (batch.size < 2) continue;
        const next = tf.tidy(() => {
          const x = tf.tensor2d(batch.features, [batch.size, data.nFeatures]);
          const y = tf.tensor1d(batch.labels, 'int32');
          return tf.add(lossSum, tf.mul(trainStep.run(x, y, rateAt(steps + 1)), batch.size));
        });
        lossSum.dispose();
        lossSum = next as tf.Scalar;
        seen += batch.size;
        steps += 1;
        opts.onBatchEnd?.(steps);
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
      const loss = (lossSum.dataSync()[0] as number) / Math.max(1, seen);
      lossSum.dispose();
      losses.push(loss);
      const info: EpochInfo = {
        epoch,
        epochs: opts.epochs,
        loss,
        elapsedS: (performance.now() - start) / 1000,
      };
      if (opts.validation) {
        const v = lossAndAccuracy(model, opts.validation, classWeights ? { classWeights } : {});
        info.valLoss = v.loss;
        info.valAccuracy = v.accuracy;
        valLosses.push(v.loss);
        if (v.loss < best.loss - minDelta) {
          best = { loss: v.loss, epoch };
          if (restoring) bestSnapshot = model.snapshot();
        }
      }
      await opts.onEpochEnd?.(info);
      if (opts.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      if (opts.validation && opts.earlyStopping && epoch - best.epoch >= patience) {
        stopped = 'early-stopping';
        break;
      }
    }
    // restore-best: the weights of the best validation epoch, whether training stopped early
    // or ran out of epochs past it (not after an abort: the caller asked to stop, not to pick)
    if (stopped !== 'aborted' && bestSnapshot && best.epoch !== losses.length - 1) {
      model.restore(bestSnapshot);
    }
  } finally {
    trainStep.dispose();
  }
  return {
    losses,
    valLosses,
    finalLoss: losses.at(-1) ?? Number.NaN,
    epochs: losses.length,
    steps,
    wallS: (performance.now() - start) / 1000,
    stopped,
    ...(opts.validation && (best.epoch >= 0 || bestSnapshot) ? { bestEpoch: best.epoch } : {}),
    ...(classWeights ? { classWeights } : {}),
  };
}

import { BatchIterator, type Dataset, type Seed } from '@rvft/data';
import type { TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from './optimizer';

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
  /** Evaluated after every epoch; enables early stopping. */
  validation?: Dataset;
  earlyStopping?: {
    /** Epochs without improvement before stopping (default 3). */
    patience?: number;
    /** Improvement in validation loss that counts (default 0). */
    minDelta?: number;
    /** Put back the weights of the best epoch when stopping (default true). */
    restoreBest?: boolean;
  };
  onEpochEnd?: (info: EpochInfo) => void | Promise<void>;
  /** After every optimisation step, with the step count so far. */
  onBatchEnd?: (step: number) => void;
  /** Stops cleanly between two steps; the model keeps the last completed step. */
  signal?: AbortSignal;
}

/** Mini-batch size when none is given (the reference's). */
export const DEFAULT_BATCH_SIZE = 64;

export type StopReason = 'completed' | 'early-stopping' | 'aborted';

export interface TrainResult {
  /** Mean training loss per completed epoch. */
  losses: number[];
  valLosses: number[];
  finalLoss: number;
  epochs: number;
  steps: number;
  wallS: number;
  stopped: StopReason;
}

// Yield to the event loop this often so timers (and AbortSignal.timeout) can fire.
const YIELD_EVERY_MS = 50;

function checkOptions(o: TrainOptions, data: Dataset, model: TrunkHeadModel): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) {
    throw new RangeError(`epochs: must be a whole number >= 1, got ${o.epochs}`);
  }
  if (!(o.learningRate > 0))
    throw new RangeError(`learningRate: must be > 0, got ${o.learningRate}`);
  if (o.clipNorm != null && !(o.clipNorm > 0)) {
    throw new RangeError(`clipNorm: must be > 0 (or null for none), got ${o.clipNorm}`);
  }
  if (data.nFeatures !== model.inputDim) {
    throw new RangeError(`data: ${data.nFeatures} features, the model takes ${model.inputDim}`);
  }
  const maxLabel = data.nClasses - 1;
  if (maxLabel >= model.outputDim) {
    throw new RangeError(
      `data: label ${maxLabel} but the model has ${model.outputDim} outputs (expandHead first)`,
    );
  }
}

/** Mean cross-entropy of logits against integer labels. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, nClasses: number): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, nClasses), logits) as tf.Scalar;
}

export interface TrainStepOptions {
  learningRate: number;
  weightDecay?: number;
  clipNorm?: number | null;
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
  }

  /** Runs one step and returns the batch's mean loss as a scalar tensor (caller disposes). */
  run(x: tf.Tensor2D, y: tf.Tensor1D): tf.Scalar {
    const { model, variables, nClasses, clip } = this;
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(model.forward(x, true), y, nClasses),
        variables,
      );
      const gradList = variables.map((v) => grads[v.name] as tf.Tensor);
      this.optimizer.step(variables, gradList, { clipNorm: clip });
      return value;
    });
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** Validation loss and accuracy in inference mode, without a gradient tape. */
export function lossAndAccuracy(
  model: TrunkHeadModel,
  data: Dataset,
): { loss: number; accuracy: number } {
  const [loss, correct] = tf.tidy(() => {
    const logits = model.predictLogits(data);
    const labels = tf.tensor1d(data.labels, 'int32');
    const l = crossEntropy(logits, labels, model.outputDim);
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
  const batches = new BatchIterator(data, { batchSize, seed: opts.seed ?? 42 });
  const trainStep = new TrainStep(model, opts);
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
          return tf.add(lossSum, tf.mul(trainStep.run(x, y), batch.size));
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
        const v = lossAndAccuracy(model, opts.validation);
        info.valLoss = v.loss;
        info.valAccuracy = v.accuracy;
        valLosses.push(v.loss);
        if (v.loss < best.loss - minDelta) {
          best = { loss: v.loss, epoch };
          if (opts.earlyStopping && restoreBest) bestSnapshot = model.snapshot();
        }
      }
      await opts.onEpochEnd?.(info);
      if (opts.signal?.aborted) {
        stopped = 'aborted';
        break;
      }
      if (opts.validation && opts.earlyStopping && epoch - best.epoch >= patience) {
        stopped = 'early-stopping';
        if (bestSnapshot) model.restore(bestSnapshot);
        break;
      }
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
  };
}

import { BatchIterator, type Dataset, DEFAULT_SEED, type Seed } from '@rvft/data';
import { checkNumber } from '@rvft/errors';
import type { TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import { checkOptions, DEFAULT_BATCH_SIZE, resolveClassWeights, TrainStep } from './train';

export interface LrFindOptions {
  /** First rate of the sweep (default 1e-7). */
  startLr?: number;
  /** Last rate of the sweep (default 10). */
  endLr?: number;
  /** Optimisation steps of the sweep, rates spaced evenly in log scale (default 100). */
  steps?: number;
  /** Default 64. */
  batchSize?: number;
  /** Seeds the batch order (default 42). */
  seed?: Seed;
  /** L2 in the gradient, as in training (default 1e-4). */
  weightDecay?: number;
  /** Global gradient-norm clip, as in training; default none. */
  clipNorm?: number | null;
  classWeights?: 'balanced' | readonly number[];
  /** Exponential smoothing of the loss, fastai's β (default 0.98). */
  smoothing?: number;
  /** Stop once the smoothed loss passes this multiple of its minimum (default 4). */
  divergence?: number;
}

export interface LrFindPoint {
  lr: number;
  /** The batch's loss at this step, before its update. */
  loss: number;
  /** Bias-corrected exponential moving average of `loss`. */
  smoothedLoss: number;
}

export interface LrFindResult {
  /** One point per step taken, rates increasing. */
  points: LrFindPoint[];
  /**
   * The rate to train at: fastai's `valley` rule — in the longest stretch over which the
   * smoothed loss keeps falling, the point about half-way along (fastai: start + ⌊len/3⌋ +
   * ⌊len/6⌋); `minOver10Lr` when the loss never falls.
   */
  suggestedLr: number;
  /** The `valley` rate, or null when the smoothed loss never falls. */
  valleyLr: number | null;
  /** Where the smoothed loss falls fastest per unit of log rate, before its minimum. */
  steepestLr: number | null;
  /** The rate of the smallest smoothed loss (after the first 5 steps). */
  minLossLr: number;
  /** `minLossLr` / 10 — fastai's other rule of thumb. */
  minOver10Lr: number;
  /** `diverged`: the smoothed loss passed `divergence` × its minimum (or was not finite). */
  stopped: 'diverged' | 'completed';
}

// the smoothed loss needs a few steps before its slope means anything
const SKIP_START = 5;

/**
 * The learning-rate range test (Smith 2017; fastai's `lr_find`): trains the variables that
 * are trainable now (freeze the trunk first to size head-only fine-tuning) with Adam while
 * the rate grows exponentially from `startLr` to `endLr`, one batch per step, recording the
 * loss, and stops early once the smoothed loss passes 4× its minimum. The model is put back
 * afterwards — every weight, BatchNorm running statistics included, bit for bit; the sweep's
 * optimizer is its own and is freed, so no other optimizer state is touched.
 *
 * Suggestion: fastai's `valley` rule (its default since 2.5) on the smoothed loss: well inside
 * the longest falling stretch. The older rules are returned beside it — the steepest descent
 * (Smith's; with fastai's β = 0.98 the early, barely-averaged smoothed values are noisy
 * enough to win it at 1e-7, which happened on scenario C) and the minimum's rate / 10.
 *
 * @example
 * import { newDataScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const data = newDataScenario({ seed: 3, nFeatures: 6, nInitial: 400 }).initial;
 * const model = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 2, seed: 1 });
 * const r = await lrFind(model, data, { steps: 60 });
 * r.suggestedLr > 1e-4 && r.suggestedLr < 1; // → true
 */
export async function lrFind(
  model: TrunkHeadModel,
  data: Dataset,
  opts: LrFindOptions = {},
): Promise<LrFindResult> {
  const where = 'lrFind';
  const startLr = checkNumber(where, 'startLr', opts.startLr ?? 1e-7, { min: Number.MIN_VALUE });
  const endLr = checkNumber(where, 'endLr', opts.endLr ?? 10, { min: startLr });
  const nSteps = checkNumber(where, 'steps', opts.steps ?? 100, { integer: true, min: 2 });
  const beta = checkNumber(where, 'smoothing', opts.smoothing ?? 0.98, { min: 0, max: 0.999 });
  const divergence = checkNumber(where, 'divergence', opts.divergence ?? 4, { min: 1 });
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  checkOptions(
    {
      epochs: 1,
      learningRate: startLr,
      ...(opts.clipNorm !== undefined ? { clipNorm: opts.clipNorm } : {}),
    },
    data,
    model,
  );
  if (data.nRows < 2) throw new RangeError('lrFind: data needs at least 2 rows');
  const classWeights = opts.classWeights
    ? resolveClassWeights(opts.classWeights, data, model.outputDim)
    : undefined;
  // a short last batch is dropped: BatchNorm's statistics over a handful of rows give a
  // loss spike that reads as divergence (a 2-row batch stopped a sweep at 1e-6)
  const batches = new BatchIterator(data, {
    batchSize,
    seed: opts.seed ?? DEFAULT_SEED,
    dropLast: data.nRows >= batchSize,
  });
  const snapshot = model.snapshot();
  const trainStep = new TrainStep(model, {
    learningRate: startLr,
    ...(opts.weightDecay !== undefined ? { weightDecay: opts.weightDecay } : {}),
    ...(opts.clipNorm !== undefined ? { clipNorm: opts.clipNorm } : {}),
    ...(classWeights ? { classWeights } : {}),
  });
  const points: LrFindPoint[] = [];
  let stopped: LrFindResult['stopped'] = 'completed';
  let avg = 0;
  let best = Number.POSITIVE_INFINITY;
  let lastYield = performance.now();
  try {
    sweep: for (let epoch = 0; ; epoch++) {
      for (const batch of batches.epoch(epoch)) {
        // BatchNorm cannot normalise a batch of one example
        if (batch.size < 2) break sweep;
        const i = points.length;
        const lr = startLr * (endLr / startLr) ** (i / (nSteps - 1));
        const value = tf.tidy(() =>
          trainStep.run(
            tf.tensor2d(batch.features, [batch.size, data.nFeatures]),
            tf.tensor1d(batch.labels, 'int32'),
            lr,
          ),
        );
        const loss = value.dataSync()[0] as number;
        value.dispose();
        avg = beta * avg + (1 - beta) * loss;
        const smoothedLoss = avg / (1 - beta ** (i + 1));
        points.push({ lr, loss, smoothedLoss });
        if (smoothedLoss < best) best = smoothedLoss;
        if (!Number.isFinite(smoothedLoss) || smoothedLoss > divergence * best) {
          stopped = 'diverged';
          break sweep;
        }
        if (points.length >= nSteps) break sweep;
        if (performance.now() - lastYield > 50) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
    }
  } finally {
    trainStep.dispose();
    model.restore(snapshot);
  }
  return { points, ...suggest(points), stopped };
}

function suggest(
  points: readonly LrFindPoint[],
): Pick<LrFindResult, 'suggestedLr' | 'valleyLr' | 'steepestLr' | 'minLossLr' | 'minOver10Lr'> {
  // the first few smoothed values average a handful of batches: a lucky first batch of a
  // trained model would otherwise be "the minimum" at the sweep's smallest rate
  let minIdx = Math.min(SKIP_START, points.length - 1);
  points.forEach((p, i) => {
    if (i > minIdx && p.smoothedLoss < (points[minIdx] as LrFindPoint).smoothedLoss) minIdx = i;
  });
  const minLossLr = (points[minIdx] as LrFindPoint).lr;
  let steepest: number | null = null;
  let slopeMin = 0;
  for (let i = Math.max(1, SKIP_START); i < minIdx; i++) {
    const a = points[i - 1] as LrFindPoint;
    const b = points[i + 1] as LrFindPoint;
    const slope = (b.smoothedLoss - a.smoothedLoss) / (Math.log(b.lr) - Math.log(a.lr));
    if (slope < slopeMin) {
      slopeMin = slope;
      steepest = (points[i] as LrFindPoint).lr;
    }
  }
  const valley = valleyLr(points);
  return {
    suggestedLr: valley ?? minLossLr / 10,
    valleyLr: valley,
    steepestLr: steepest,
    minLossLr,
    minOver10Lr: minLossLr / 10,
  };
}

/**
 * fastai's `valley`: the longest decreasing subsequence of the smoothed loss (O(n²), n ≤ a few
 * hundred) gives the falling stretch; the rate about half-way along it.
 */
function valleyLr(points: readonly LrFindPoint[]): number | null {
  const loss = points.map((p) => p.smoothedLoss);
  const n = loss.length;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (
        (loss[i] as number) < (loss[j] as number) &&
        (lds[i] as number) < (lds[j] as number) + 1
      ) {
        lds[i] = (lds[j] as number) + 1;
      }
      if ((lds[maxEnd] as number) < (lds[i] as number)) {
        maxEnd = i;
        maxStart = maxEnd - (lds[maxEnd] as number);
      }
    }
  }
  if (maxEnd === 0) return null;
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.floor(sections) + Math.floor(sections / 2);
  return (points[Math.min(Math.max(idx, 0), n - 1)] as LrFindPoint).lr;
}

import { Dataset, DEFAULT_SEED, Rng, type Seed } from '@rvft/data';
import { FrozenBatchNorm, TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ProductionBudget, TrainingProfile } from './budget';
import { FineTuneMode, fineTune } from './strategies';
import { lossAndAccuracy, trainLoop } from './train';

export interface LinearProbeOptions {
  /** Share of the data held out to measure accuracy (default 0.3, stratified). */
  holdout?: number;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  seed?: Seed;
  /**
   * Which BatchNorm statistics the frozen trunk uses to embed the data. Default: what
   * head-only fine-tuning of this model would use — the new data's own statistics under
   * `FrozenBatchNorm.BatchStatistics` (PyTorch), the stored running statistics under
   * `FrozenBatchNorm.Inference` (Keras).
   */
  batchNorm?: 'new-data' | 'running';
}

export interface LinearProbeResult {
  /** Held-out accuracy of a fresh linear head on the frozen trunk's features. */
  accuracy: number;
  trainAccuracy: number;
  nTrain: number;
  nHoldout: number;
  nClasses: number;
}

/**
 * Embeds with BatchNorm normalising by the whole dataset's statistics (training mode), then
 * puts back the running statistics that training mode moved: the model is left as it was.
 */
function embedWithDataStatistics(model: TrunkHeadModel, data: Dataset): Float32Array {
  const snapshot = model.snapshot();
  try {
    return tf.tidy(() => {
      const x = model.scaleInputs(tf.tensor2d(data.features, [data.nRows, data.nFeatures]));
      return (model.trunk.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    model.restore(snapshot);
  }
}

/**
 * Transfer quality: how well the frozen trunk's features separate the new data. Embeds the
 * data once with the trunk (inference mode), trains a fresh linear head on part of it and
 * reports accuracy on the rest. The model passed in is not modified.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await trainFromScratch(champion, zoo.originalTrain);
 * // a logistic regression on the frozen trunk's embedding, fitted on 70 % of the new rows
 * const probe = await linearProbe(champion, zoo.newTrain);
 * [probe.nTrain, probe.nHoldout, probe.nClasses]; // → [84, 36, 5]
 * probe.accuracy > 0.5; // → true — the old features separate the new classes
 */
export async function linearProbe(
  model: TrunkHeadModel,
  data: Dataset,
  opts: LinearProbeOptions = {},
): Promise<LinearProbeResult> {
  const holdout = opts.holdout ?? 0.3;
  const seed = opts.seed ?? DEFAULT_SEED;
  const mode =
    opts.batchNorm ??
    (model.frozenBatchNorm === FrozenBatchNorm.Inference ? 'running' : 'new-data');
  const embedded =
    mode === 'running'
      ? tf.tidy(() => model.embed(data).dataSync() as Float32Array)
      : embedWithDataStatistics(model, data);
  const features = new Dataset({
    features: embedded,
    labels: data.labels,
    nFeatures: model.embeddingDim,
  });
  const { first: train, second: test } = features.split(1 - holdout, `${String(seed)}/probe`, {
    stratify: true,
  });
  const nClasses = Math.max(2, data.nClasses);
  // An identity trunk keeps the probe on the one training loop every strategy uses.
  const trunk = tfl.sequential({
    layers: [tfl.layers.activation({ activation: 'linear', inputShape: [model.embeddingDim] })],
  });
  const head = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: nClasses,
        inputShape: [model.embeddingDim],
        kernelInitializer: 'zeros',
      }),
    ],
  });
  const probe = new TrunkHeadModel(trunk, head);
  try {
    probe.reinitialize(typeof seed === 'number' ? seed : 42);
    await trainLoop(probe, train, {
      epochs: opts.epochs ?? 30,
      learningRate: opts.learningRate ?? 0.01,
      batchSize: opts.batchSize ?? 64,
      seed,
      weightDecay: 0,
    });
    return {
      accuracy: lossAndAccuracy(probe, test).accuracy,
      trainAccuracy: lossAndAccuracy(probe, train).accuracy,
      nTrain: train.nRows,
      nHoldout: test.nRows,
      nClasses,
    };
  } finally {
    probe.dispose();
  }
}

export interface HeadOnlyProbeOptions {
  /**
   * Folds of cross-validation when the data is small (below `cvBelowRows`): every row is
   * tested once, by a head trained without it. Default 5.
   */
  folds?: number;
  /** Below this many rows the probe cross-validates; at or above, one stratified split. */
  cvBelowRows?: number;
  /** Share held out by the single split (default 0.3). */
  holdout?: number;
  seed?: number;
  /** Passed to head-only fine-tuning: the same profile and budget it would run with. */
  profile?: TrainingProfile;
  budget?: Partial<ProductionBudget>;
}

export interface HeadOnlyProbeResult {
  /** Accuracy of head-only fine-tuning on rows it did not train on (pooled over folds). */
  accuracy: number;
  /** Rows tested: every row under cross-validation, the held-out share otherwise. */
  nTested: number;
  correct: number;
  /** 1 for a single split. */
  folds: number;
  /** Optimiser steps of the (first fold's) head-only run: it trains as the strategy would. */
  steps: number;
}

/** Stratified fold index of every row: each class's rows dealt round-robin after a shuffle. */
function foldsOf(data: Dataset, k: number, seed: Seed): Int32Array {
  const shuffled = new Rng(seed).permutation(data.nRows);
  const fold = new Int32Array(data.nRows);
  const next = new Map<number, number>();
  for (const i of shuffled) {
    const label = data.labels[i] as number;
    const f = next.get(label) ?? 0;
    fold[i] = f % k;
    next.set(label, f + 1);
  }
  return fold;
}

/**
 * Transfer quality as head-only fine-tuning will see it: the champion's head trained with
 * its trunk frozen, exactly as `fineTune(…, { mode: HeadOnly })` does (same budget, same
 * BatchNorm mode, head expanded for new labels), scored on rows it did not train on —
 * cross-validated when the data is small, so a few rows do not decide it. The model is
 * left as it was.
 *
 * @example
 * import { newClassScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * // three known species, then a window of two new ones
 * const zoo = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 60 });
 * const champion = createMlp({ inputDim: 6, hiddenDims: [16], outputDim: 3, seed: 1 });
 * await trainFromScratch(champion, zoo.originalTrain);
 * // every new row is tested once, by a head trained on the other folds
 * const { accuracy, nTested } = await headOnlyProbe(champion, zoo.newTrain);
 * nTested; // → 120
 * accuracy >= 0 && accuracy <= 1; // → true
 */
export async function headOnlyProbe(
  model: TrunkHeadModel,
  data: Dataset,
  opts: HeadOnlyProbeOptions = {},
): Promise<HeadOnlyProbeResult> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const snapshot = model.snapshot();
  const nClasses = Math.max(model.outputDim, data.nClasses);
  const train = {
    seed,
    mode: FineTuneMode.HeadOnly,
    ...(opts.profile ? { profile: opts.profile } : {}),
    ...(opts.budget ? { budget: opts.budget } : {}),
  } as const;
  const trial = async (fit: Dataset, test: Dataset) => {
    model.restore(snapshot);
    if (nClasses > model.outputDim) model.expandHead(nClasses - model.outputDim, { seed });
    const r = await fineTune(model, fit, train);
    return {
      correct: Math.round(lossAndAccuracy(model, test).accuracy * test.nRows),
      steps: r.steps,
    };
  };
  try {
    if (data.nRows >= (opts.cvBelowRows ?? 500)) {
      const { first, second } = data.split(1 - (opts.holdout ?? 0.3), `${seed}/probe`, {
        stratify: true,
      });
      const t = await trial(first, second);
      return {
        accuracy: t.correct / second.nRows,
        nTested: second.nRows,
        correct: t.correct,
        folds: 1,
        steps: t.steps,
      };
    }
    const k = Math.min(opts.folds ?? 5, data.nRows);
    const fold = foldsOf(data, k, `${seed}/probe-folds`);
    let correct = 0;
    let tested = 0;
    let steps = 0;
    for (let f = 0; f < k; f++) {
      const fitRows: number[] = [];
      const testRows: number[] = [];
      for (let i = 0; i < data.nRows; i++) (fold[i] === f ? testRows : fitRows).push(i);
      if (testRows.length === 0 || fitRows.length < 2) continue;
      const t = await trial(data.subset(fitRows), data.subset(testRows));
      correct += t.correct;
      tested += testRows.length;
      if (f === 0) steps = t.steps;
    }
    return { accuracy: correct / Math.max(1, tested), nTested: tested, correct, folds: k, steps };
  } finally {
    model.restore(snapshot);
  }
}

import { Dataset, type Seed } from '@rvft/data';
import { FrozenBatchNorm, TrunkHeadModel } from '@rvft/model';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
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
      const x = tf.tensor2d(data.features, [data.nRows, data.nFeatures]);
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
 * const { accuracy } = await linearProbe(champion, newData); // e.g. 0.76 → "good transfer"
 */
export async function linearProbe(
  model: TrunkHeadModel,
  data: Dataset,
  opts: LinearProbeOptions = {},
): Promise<LinearProbeResult> {
  const holdout = opts.holdout ?? 0.3;
  const seed = opts.seed ?? 42;
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

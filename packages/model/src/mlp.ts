import * as tfl from '@tensorflow/tfjs-layers';
import { TrunkHeadModel } from './model';
import type { InputScalerInit } from './scaler';

export interface MlpOptions {
  inputDim: number;
  hiddenDims: readonly number[];
  outputDim: number;
  /** Dropout after each block's ReLU; 0 (default) adds no Dropout layer. */
  dropout?: number;
  /** BatchNorm after each Dense (default true). */
  batchNorm?: boolean;
  /**
   * BatchNorm momentum in tfjs's convention (weight of the old running value). 0.9 equals
   * PyTorch's default momentum 0.1; tfjs's own default, 0.99, follows a shift ten times slower.
   */
  batchNormMomentum?: number;
  /** PyTorch's 1e-5 (tfjs defaults to 1e-3). */
  batchNormEpsilon?: number;
  seed: number;
  /**
   * Per-feature standardisation applied before the trunk (see
   * `TrunkHeadModel.setInputScaler`, `scalerFromStatistics`); the model then takes raw
   * features. Not part of `architecture`, saved with the model all the same.
   */
  inputScaler?: InputScalerInit | null;
}

function checkDim(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`createMlp: ${name} must be a whole number >= 1, got ${String(v)}`);
  }
}

/**
 * The benchmark's MLP: a trunk of Dense → BatchNorm → ReLU (→ Dropout) blocks and a Dense
 * head, Kaiming-normal (fan_out) kernels, zero biases, BatchNorm constants matching PyTorch.
 * The same seed gives the same weights.
 *
 * @example
 * const model = createMlp({ inputDim: 20, hiddenDims: [128, 64], outputDim: 2, seed: 42 });
 * // dense layers 20·128 + 128 + 128·64 + 64 + 64·2 + 2 = 11,074, batch norm's γ and β 384
 * model.countParams(); // → 11458
 */
export function createMlp(opts: MlpOptions): TrunkHeadModel {
  checkDim('inputDim', opts.inputDim);
  checkDim('outputDim', opts.outputDim);
  if (!Array.isArray(opts.hiddenDims) || opts.hiddenDims.length === 0) {
    throw new RangeError('createMlp: hiddenDims must list at least one layer width');
  }
  opts.hiddenDims.forEach((h, i) => {
    checkDim(`hiddenDims[${i}]`, h);
  });
  const dropout = opts.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) {
    throw new RangeError(`createMlp: dropout must be in [0, 1), got ${dropout}`);
  }
  if (!Number.isInteger(opts.seed)) {
    throw new RangeError(`createMlp: seed must be an integer, got ${opts.seed}`);
  }
  const batchNorm = opts.batchNorm ?? true;
  const momentum = opts.batchNormMomentum ?? 0.9;
  const epsilon = opts.batchNormEpsilon ?? 1e-5;

  const layers: tfl.layers.Layer[] = [];
  opts.hiddenDims.forEach((units, i) => {
    layers.push(
      tfl.layers.dense({
        units,
        ...(i === 0 ? { inputShape: [opts.inputDim] } : {}),
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
      }),
    );
    if (batchNorm) layers.push(tfl.layers.batchNormalization({ momentum, epsilon }));
    layers.push(tfl.layers.reLU());
    if (dropout > 0) layers.push(tfl.layers.dropout({ rate: dropout }));
  });
  const trunk = tfl.sequential({ layers });
  const head = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: opts.outputDim,
        inputShape: [opts.hiddenDims.at(-1) as number],
        kernelInitializer: 'zeros',
        biasInitializer: 'zeros',
      }),
    ],
  });
  const model = new TrunkHeadModel(trunk, head, {
    architecture: {
      kind: 'mlp',
      inputDim: opts.inputDim,
      hiddenDims: [...opts.hiddenDims],
      outputDim: opts.outputDim,
      dropout,
      batchNorm,
      batchNormMomentum: momentum,
      batchNormEpsilon: epsilon,
    },
  });
  model.reinitialize(opts.seed);
  if (opts.inputScaler) {
    try {
      model.setInputScaler(opts.inputScaler);
    } catch (e) {
      model.dispose();
      throw new Error(`createMlp: ${(e as Error).message}`);
    }
  }
  return model;
}

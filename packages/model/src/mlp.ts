import { checkNumber, RvftError } from '@rvft/errors';
import * as tfl from '@tensorflow/tfjs-layers';
import { MAX_CLASSES, MAX_PARAMETERS } from './limits';
import { TrunkHeadModel } from './model';
import { type InputScalerInit, toFloat32Scaler } from './scaler';

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

const checkDim = (name: string, v: unknown): number =>
  checkNumber('createMlp', name, v, { integer: true, min: 1 });

/** Weight values of the MLP (BatchNorm running statistics included), as MAX_PARAMETERS counts them. */
function mlpValues(
  inputDim: number,
  hidden: readonly number[],
  outputDim: number,
  bn: boolean,
): number {
  let values = 0;
  let width = inputDim;
  for (const h of hidden) {
    values += width * h + h + (bn ? 4 * h : 0);
    width = h;
  }
  return values + width * outputDim + outputDim;
}

/**
 * The benchmark's MLP: a trunk of Dense → BatchNorm → ReLU (→ Dropout) blocks and a Dense
 * head, Kaiming-normal (fan_out) kernels, zero biases, BatchNorm constants matching PyTorch.
 * The same seed gives the same weights.
 *
 * Every option is checked before anything is built (RVFT_ERR_INVALID_ARGUMENT); more than
 * MAX_CLASSES outputs or MAX_PARAMETERS weight values is refused with RVFT_ERR_DATA_TOO_LARGE,
 * also before a tensor is allocated.
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
    throw new RvftError(
      'RVFT_ERR_INVALID_ARGUMENT',
      'createMlp: hiddenDims must list at least one layer width',
    );
  }
  opts.hiddenDims.forEach((h, i) => {
    checkDim(`hiddenDims[${i}]`, h);
  });
  const dropout = checkNumber('createMlp', 'dropout', opts.dropout ?? 0, { min: 0, below: 1 });
  checkNumber('createMlp', 'seed', opts.seed, { integer: true });
  const batchNorm = opts.batchNorm ?? true;
  const momentum = checkNumber('createMlp', 'batchNormMomentum', opts.batchNormMomentum ?? 0.9, {
    min: 0,
    max: 1,
  });
  const epsilon = checkNumber('createMlp', 'batchNormEpsilon', opts.batchNormEpsilon ?? 1e-5, {
    above: 0,
  });
  if (opts.outputDim > MAX_CLASSES) {
    throw new RvftError(
      'RVFT_ERR_DATA_TOO_LARGE',
      `createMlp: outputDim ${opts.outputDim} is over MAX_CLASSES (${MAX_CLASSES}); nothing was allocated`,
      { details: { outputDim: opts.outputDim, max: MAX_CLASSES } },
    );
  }
  // widths are at most 2^53 each, so a product can lose exactness only far past the cap
  const values = mlpValues(opts.inputDim, opts.hiddenDims, opts.outputDim, batchNorm);
  if (values > MAX_PARAMETERS) {
    throw new RvftError(
      'RVFT_ERR_DATA_TOO_LARGE',
      `createMlp: inputDim ${opts.inputDim}, hiddenDims [${opts.hiddenDims.join(', ')}] and outputDim ${opts.outputDim} make ${values} weight values, over MAX_PARAMETERS (${MAX_PARAMETERS}); nothing was allocated`,
      { details: { values, max: MAX_PARAMETERS } },
    );
  }
  const scaler = opts.inputScaler
    ? toFloat32Scaler(opts.inputScaler, opts.inputDim, 'createMlp: setInputScaler')
    : null;

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
  // checked above, before any layer was built
  if (scaler) model.setInputScaler(scaler);
  return model;
}

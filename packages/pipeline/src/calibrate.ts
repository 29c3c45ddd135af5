import type { Dataset } from '@rvft/data';
import { checkNumber } from '@rvft/errors';
import {
  expectedCalibrationError,
  negativeLogLikelihood,
  softmaxWithTemperature,
  type TemperatureScaling,
  temperatureScaling,
} from '@rvft/metrics';
import type { TrunkHeadModel } from '@rvft/model';
import { DEFAULT_BATCH_SIZE, type ProductionBudget, planProduction } from '@rvft/strategies';

/** Share of the new training rows set aside to fit the temperature (default). */
export const CALIBRATION_SHARE = 0.2;
/**
 * Fewer calibration rows than this and no temperature is fitted: one parameter is cheap to
 * fit, but on a handful of rows the fit follows their noise (and the split would take rows a
 * small window cannot spare).
 */
export const MIN_CALIBRATION_ROWS = 20;

/**
 * What calibrating a model did: the temperature scaling report on the calibration rows (T,
 * NLL and ECE before/after, the reliability bins), and — when given — the same model's ECE
 * and NLL before/after on rows the fit never saw (the gate's). Or why nothing was fitted.
 * Plain JSON.
 */
export type CalibrationReport =
  | ({ fitted: true; heldOut?: HeldOutCalibration } & TemperatureScaling)
  | { fitted: false; temperature: 1; why: string };

/** ECE and NLL of the raw softmax and of the calibrated one on unseen rows. */
export interface HeldOutCalibration {
  rows: number;
  ece: { before: number; after: number };
  nll: { before: number; after: number };
}

/**
 * Splits training rows into rows to train on and rows to calibrate on (stratified, seeded:
 * `${seed}/calibration`), or returns undefined — calibrate nothing — when the calibration
 * part would have fewer than MIN_CALIBRATION_ROWS rows.
 *
 * @example
 * import { newDataScenario } from '@rvft/data';
 * const s = newDataScenario({ nInitial: 400, nNew: 60, nTest: 10, nFeatures: 3, seed: 1 });
 * const split = calibrationSplit(s.initial, 42);
 * [split.train.nRows, split.calibration.nRows]; // → [320, 80]
 * calibrationSplit(s.new, 42); // → undefined — 12 calibration rows would be too few
 */
export function calibrationSplit(
  data: Dataset,
  seed: number | string,
  share = CALIBRATION_SHARE,
): { train: Dataset; calibration: Dataset } | undefined {
  checkNumber('calibrationSplit', 'share', share, { above: 0, below: 1 });
  if (Math.round(data.nRows * share) < MIN_CALIBRATION_ROWS) return undefined;
  const s = data.split(1 - share, `${seed}/calibration`, { stratify: true });
  return { train: s.first, calibration: s.second };
}

/** Raw logits of a model on rows, as a flat buffer with the class count. */
function logitsOf(model: TrunkHeadModel, data: Dataset) {
  const t = model.predictLogits(data);
  try {
    return { values: t.dataSync() as Float32Array, nClasses: model.outputDim };
  } finally {
    t.dispose();
  }
}

/**
 * Temperature scaling of a trained model: fits T on `calibration` rows (raw logits, so a
 * temperature the model carried before — inherited from the champion it was copied from —
 * plays no part) and sets it on the model, so `probabilities` and everything saved from it
 * are calibrated. With `heldOut` rows (never used by the fit: the gate's), reports the ECE
 * and NLL there before and after too. Accuracy does not move.
 *
 * @example
 * import { newDataScenario } from '@rvft/data';
 * import { createMlp } from '@rvft/model';
 * const s = newDataScenario({ nInitial: 400, nNew: 60, nTest: 10, nFeatures: 3, seed: 1 });
 * const model = createMlp({ inputDim: 3, hiddenDims: [4], outputDim: 2, seed: 1 });
 * const c = calibrateModel(model, s.initial, { heldOut: s.test });
 * [c.fitted, c.rows, c.heldOut?.rows]; // → [true, 400, 10]
 * model.temperature === c.temperature; // → true — set on the model: probabilities are calibrated
 */
export function calibrateModel(
  model: TrunkHeadModel,
  calibration: Dataset,
  opts: { heldOut?: Dataset; nBins?: number } = {},
): CalibrationReport & { fitted: true } {
  const nBins = opts.nBins ?? 15;
  const scaling = temperatureScaling(logitsOf(model, calibration), calibration.labels, {
    nBins,
  });
  model.setTemperature(scaling.temperature);
  if (!opts.heldOut) return { fitted: true, ...scaling };
  return {
    fitted: true,
    ...scaling,
    heldOut: heldOutCalibration(model, opts.heldOut, scaling.temperature, nBins),
  };
}

/**
 * ECE and NLL of `model` on rows no fit has seen, at T = 1 and at `temperature`: how a
 * temperature fitted elsewhere (the race's validation rows) does on the gate's rows.
 */
export function heldOutCalibration(
  model: TrunkHeadModel,
  heldOut: Dataset,
  temperature: number,
  nBins = 15,
): HeldOutCalibration {
  const z = logitsOf(model, heldOut);
  const y = heldOut.labels;
  const ece = (t: number) => expectedCalibrationError(softmaxWithTemperature(z, t), y, nBins);
  return {
    rows: heldOut.nRows,
    ece: { before: ece(1), after: ece(temperature) },
    nll: {
      before: negativeLogLikelihood(z, y),
      after: negativeLogLikelihood(z, y, temperature),
    },
  };
}

/** One line for a report or a terminal: T and ECE before → after. */
export function describeCalibration(c: CalibrationReport): string {
  if (!c.fitted) return `not calibrated: ${c.why}`;
  const e = c.heldOut ?? c;
  const where = c.heldOut ? `${c.heldOut.rows} held-out rows` : `${c.rows} calibration rows`;
  return `temperature ${c.temperature.toFixed(3)} (fitted on ${c.rows} rows): ECE ${e.ece.before.toFixed(4)} → ${e.ece.after.toFixed(4)}, NLL ${e.nll.before.toFixed(4)} → ${e.nll.after.toFixed(4)} on ${where}${c.atBound ? ' — at the edge of the search range' : ''}`;
}

/**
 * The validation rows the production profile carves from `train` for this seed — the rows a
 * production run's early stopping watched (`planProduction`, the same split the strategy made)
 * — or undefined when the profile carves none (too few rows). Fitting the temperature there
 * costs no training row; the rows also chose the kept epoch, so the fit is the usual one of
 * Guo et al. (2017), who calibrate on the validation set used for model selection.
 *
 * @example
 * import { newDataScenario } from '@rvft/data';
 * const s = newDataScenario({ nInitial: 400, nNew: 60, nTest: 10, nFeatures: 3, seed: 1 });
 * productionValidation(s.initial, 42)?.nRows; // → 60
 * productionValidation(s.new, 42); // → undefined — 15 % of 60 rows is under the 20-row minimum
 */
export function productionValidation(
  train: Dataset,
  seed: number | string,
  budget?: Partial<ProductionBudget>,
): Dataset | undefined {
  return planProduction(train, {
    articleEpochs: 1,
    batchSize: DEFAULT_BATCH_SIZE,
    seed: String(seed),
    ...(budget ? { budget } : {}),
  }).validation;
}

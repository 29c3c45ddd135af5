import { CalibrationError } from './calibration';
import { type ClassScores, ConfusionMatrix } from './confusion';
import { argmax, type Labels, type Probabilities } from './labels';

/**
 * Share of predictions equal to the truth.
 *
 * @example
 * accuracy([0, 1, 1, 2], [0, 1, 0, 2]); // → 0.75
 */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  return new ConfusionMatrix().update(yTrue, yPred).accuracy();
}

/**
 * Dense confusion matrix, rows = truth, columns = prediction, over 0…nClasses−1.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 1, 0]); // → [[1, 0], [1, 1]] — rows are true classes
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, nClasses?: number): number[][] {
  const cm = new ConfusionMatrix().update(yTrue, yPred);
  const n = nClasses ?? Math.max(-1, ...cm.labels()) + 1;
  return cm.matrix(Array.from({ length: n }, (_, k) => k));
}

/**
 * Precision, recall, F1 and support per class (labels seen, or the ones given).
 *
 * @example
 * perClassScores([0, 1, 1], [0, 1, 0]);
 * // → [{ label: 0, precision: 0.5, recall: 1, support: 1 }, { label: 1, precision: 1, recall: 0.5, support: 2 }]
 */
export function perClassScores(
  yTrue: Labels,
  yPred: Labels,
  labels?: readonly number[],
): ClassScores[] {
  return new ConfusionMatrix().update(yTrue, yPred).perClass(labels);
}

/**
 * Macro-averaged F1 over the labels seen in truth or prediction (or the ones given).
 *
 * @example
 * // F1 per class: 2/3, 2/3, 1
 * macroF1([0, 1, 1, 2], [0, 1, 0, 2]); // → 0.7778
 */
export function macroF1(yTrue: Labels, yPred: Labels, labels?: readonly number[]): number {
  return new ConfusionMatrix().update(yTrue, yPred).macroF1(labels);
}

/**
 * Accuracy of each class 0…nClasses−1 (recall); NaN for a class with no examples.
 *
 * @example
 * perClassAccuracy([0, 1, 1, 2], [0, 1, 0, 2], 3); // → [1, 0.5, 1]
 */
export function perClassAccuracy(yTrue: Labels, yPred: Labels, nClasses: number): number[] {
  const cm = new ConfusionMatrix().update(yTrue, yPred);
  return Array.from({ length: nClasses }, (_, k) => cm.classAccuracy(k));
}

/** Mean per-class accuracy over `classIds`, skipping classes with no examples. */
export function meanClassAccuracy(
  yTrue: Labels,
  yPred: Labels,
  classIds: readonly number[],
): number {
  return new ConfusionMatrix().update(yTrue, yPred).meanClassAccuracy(classIds);
}

/**
 * Expected calibration error with `nBins` equal-width (lo, hi] bins (default 15).
 *
 * @example
 * // 0.9 sure and right, 0.6 sure of class 0 and wrong: (0.1 + 0.6) / 2
 * expectedCalibrationError([[0.9, 0.1], [0.6, 0.4]], [0, 1]); // → 0.35
 */
export function expectedCalibrationError(
  probabilities: Probabilities,
  yTrue: Labels,
  nBins = 15,
): number {
  return new CalibrationError(nBins).updateMany(probabilities, yTrue).value();
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  ece: number;
  perClass: ClassScores[];
  oldClassAccuracy?: number;
  newClassAccuracy?: number;
}

/**
 * Everything the benchmark reports for one model on one test set, from probabilities.
 * Pass `oldClasses` / `newClasses` to get the mean accuracy over each group.
 *
 * @example
 * classificationReport([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]], [0, 1, 1]);
 * // → { n: 3, accuracy: 0.6667, macroF1: 0.6667 }
 */
export function classificationReport(
  probabilities: Probabilities,
  yTrue: Labels,
  opts: { oldClasses?: readonly number[]; newClasses?: readonly number[]; nBins?: number } = {},
): ClassificationReport {
  const yPred = argmax(probabilities);
  const cm = new ConfusionMatrix().update(yTrue, yPred);
  const report: ClassificationReport = {
    n: cm.count,
    accuracy: cm.accuracy(),
    macroF1: cm.macroF1(),
    ece: expectedCalibrationError(probabilities, yTrue, opts.nBins),
    perClass: cm.perClass(),
  };
  if (opts.oldClasses) report.oldClassAccuracy = cm.meanClassAccuracy(opts.oldClasses);
  if (opts.newClasses) report.newClassAccuracy = cm.meanClassAccuracy(opts.newClasses);
  return report;
}

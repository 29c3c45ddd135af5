import { checkNumber, invalidArgument } from '@rvft/errors';
import { calibrationOf } from './calibration';
import { type ClassScores, ConfusionMatrix, checkLabelList, checkPairs } from './confusion';
import { argmax, checkNonEmpty, type Labels, type Probabilities } from './labels';

/** A confusion matrix of one non-empty batch of pairs, for the functions below. */
function counted(where: string, yTrue: Labels, yPred: Labels): ConfusionMatrix {
  checkPairs(where, yTrue, yPred);
  checkNonEmpty(where, 'yTrue', yTrue);
  return new ConfusionMatrix().update(yTrue, yPred);
}

/**
 * Share of predictions equal to the truth.
 *
 * @example
 * accuracy([0, 1, 1, 2], [0, 1, 0, 2]); // → 0.75
 */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  return counted('accuracy', yTrue, yPred).accuracy();
}

/**
 * Dense confusion matrix, rows = truth, columns = prediction, over 0…nClasses−1 (default: up
 * to the largest label seen). An `nClasses` that would cut off a label seen is refused.
 *
 * @example
 * confusionMatrix([0, 1, 1], [0, 1, 0]); // → [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: Labels, yPred: Labels, nClasses?: number): number[][] {
  const cm = counted('confusionMatrix', yTrue, yPred);
  const seen = Math.max(...cm.labels()) + 1;
  const n =
    nClasses === undefined
      ? seen
      : checkNumber('confusionMatrix', 'nClasses', nClasses, { integer: true, min: seen });
  return cm.matrix(Array.from({ length: n }, (_, k) => k));
}

/**
 * Precision, recall, F1 and support per class (labels seen, or the ones given).
 *
 * @example
 * perClassScores([0, 1, 1], [0, 1, 0])[1]; // → { label: 1, precision: 1, recall: 0.5, f1: 0.667, support: 2 }
 */
export function perClassScores(
  yTrue: Labels,
  yPred: Labels,
  labels?: readonly number[],
): ClassScores[] {
  if (labels !== undefined) checkLabelList('perClassScores', labels);
  return counted('perClassScores', yTrue, yPred).perClass(labels);
}

/**
 * Macro-averaged F1 over the labels seen in truth or prediction (or the ones given).
 *
 * @example
 * // F1 per class: 2/3, 2/3, 1
 * macroF1([0, 1, 1, 2], [0, 1, 0, 2]); // → 0.7778
 */
export function macroF1(yTrue: Labels, yPred: Labels, labels?: readonly number[]): number {
  if (labels !== undefined) {
    checkLabelList('macroF1', labels);
    checkNonEmpty('macroF1', 'labels', labels);
  }
  return counted('macroF1', yTrue, yPred).macroF1(labels);
}

/**
 * Accuracy of each class 0…nClasses−1 (recall); NaN for a class with no examples. An
 * `nClasses` that would leave out a label seen is refused.
 *
 * @example
 * perClassAccuracy([0, 1, 1, 2], [0, 1, 0, 2], 3); // → [1, 0.5, 1]
 */
export function perClassAccuracy(yTrue: Labels, yPred: Labels, nClasses: number): number[] {
  const cm = counted('perClassAccuracy', yTrue, yPred);
  const n = checkNumber('perClassAccuracy', 'nClasses', nClasses, {
    integer: true,
    min: Math.max(...cm.labels()) + 1,
  });
  return Array.from({ length: n }, (_, k) => cm.classAccuracy(k));
}

/**
 * Mean per-class accuracy over `classIds`, skipping classes with no examples (NaN when none has
 * any).
 *
 * @example
 * meanClassAccuracy([0, 1, 1], [0, 1, 0], [0, 1]); // → 0.75 — (1 + 0.5) / 2
 * meanClassAccuracy([0, 1, 1], [0, 1, 0], [0, 1, 2]); // → 0.75 — class 2 has no examples
 */
export function meanClassAccuracy(
  yTrue: Labels,
  yPred: Labels,
  classIds: readonly number[],
): number {
  checkLabelList('meanClassAccuracy', classIds, 'classIds');
  checkNonEmpty('meanClassAccuracy', 'classIds', classIds);
  return counted('meanClassAccuracy', yTrue, yPred).meanClassAccuracy(classIds);
}

/**
 * Expected calibration error with `nBins` equal-width (lo, hi] bins (default 15); see
 * {@link CalibrationError}. Every probability must be in [0, 1].
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
  return calibrationOf('expectedCalibrationError', probabilities, yTrue, nBins).value();
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
  const where = 'classificationReport';
  if (opts === null || typeof opts !== 'object') {
    throw invalidArgument(where, 'opts', 'an options object', opts);
  }
  if (opts.oldClasses !== undefined) checkLabelList(where, opts.oldClasses, 'oldClasses');
  if (opts.newClasses !== undefined) checkLabelList(where, opts.newClasses, 'newClasses');
  const ece = calibrationOf(where, probabilities, yTrue, opts.nBins ?? 15);
  const yPred = argmax(probabilities);
  const cm = new ConfusionMatrix().update(yTrue, yPred);
  const report: ClassificationReport = {
    n: cm.count,
    accuracy: cm.accuracy(),
    macroF1: cm.macroF1(),
    ece: ece.value(),
    perClass: cm.perClass(),
  };
  if (opts.oldClasses) report.oldClassAccuracy = cm.meanClassAccuracy(opts.oldClasses);
  if (opts.newClasses) report.newClassAccuracy = cm.meanClassAccuracy(opts.newClasses);
  return report;
}

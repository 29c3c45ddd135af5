import { CalibrationError } from './calibration';
import { type ClassScores, ConfusionMatrix } from './confusion';
import { argmax, type Labels, type Probabilities } from './labels';

/** Share of predictions equal to the truth. */
export function accuracy(yTrue: Labels, yPred: Labels): number {
  return new ConfusionMatrix().update(yTrue, yPred).accuracy();
}

/** Dense confusion matrix, rows = truth, columns = prediction, over 0…nClasses−1. */
export function confusionMatrix(yTrue: Labels, yPred: Labels, nClasses?: number): number[][] {
  const cm = new ConfusionMatrix().update(yTrue, yPred);
  const n = nClasses ?? Math.max(-1, ...cm.labels()) + 1;
  return cm.matrix(Array.from({ length: n }, (_, k) => k));
}

/** Precision, recall, F1 and support per class (labels seen, or the ones given). */
export function perClassScores(
  yTrue: Labels,
  yPred: Labels,
  labels?: readonly number[],
): ClassScores[] {
  return new ConfusionMatrix().update(yTrue, yPred).perClass(labels);
}

/** Macro-averaged F1 over the labels seen in truth or prediction (or the ones given). */
export function macroF1(yTrue: Labels, yPred: Labels, labels?: readonly number[]): number {
  return new ConfusionMatrix().update(yTrue, yPred).macroF1(labels);
}

/** Accuracy of each class 0…nClasses−1 (recall); NaN for a class with no examples. */
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

/** Expected calibration error with `nBins` equal-width (lo, hi] bins (default 15). */
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

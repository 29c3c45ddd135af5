import { checkNumber, invalidArgument } from '@rvft/errors';
import {
  argmaxAt,
  checkArray,
  checkLabel,
  checkNonEmpty,
  forEachRow,
  type Labels,
  type Probabilities,
  rowCount,
} from './labels';

/**
 * Expected calibration error, streaming (Naeini, Cooper & Hauskrecht 2015, "Obtaining well
 * calibrated probabilities using Bayesian binning", AAAI; Guo et al. 2017): confidences (max
 * probability) go into `nBins` equal-width bins (lo, hi]; ECE = Σ |B|/n · |accuracy(B) − mean
 * confidence(B)|. Every value of a row must be a probability in [0, 1] — a NaN anywhere in the
 * row is refused, not only one argmax would pick.
 *
 * @example
 * const ece = new CalibrationError();
 * ece.update([0.9, 0.1], 0).update([0.6, 0.4], 1);
 * ece.value(); // → 0.35 — (|1 − 0.9| + |0 − 0.6|) / 2
 */
export class CalibrationError {
  readonly nBins: number;
  private readonly count: Float64Array;
  private readonly correct: Float64Array;
  private readonly confidence: Float64Array;
  private total = 0;

  constructor(nBins = 15) {
    this.nBins = checkNumber('CalibrationError', 'nBins', nBins, { integer: true, min: 1 });
    this.count = new Float64Array(this.nBins);
    this.correct = new Float64Array(this.nBins);
    this.confidence = new Float64Array(this.nBins);
  }

  /** Bin of a confidence under (lo, hi]: 0 and anything at or below 1/nBins go to bin 0. */
  binOf(confidence: number): number {
    const n = this.nBins;
    let b = Math.min(n - 1, Math.max(0, Math.ceil(confidence * n) - 1));
    // Correct floating-point error against the edges themselves, so (lo, hi] holds exactly.
    while (b > 0 && confidence <= b / n) b--;
    while (b < n - 1 && confidence > (b + 1) / n) b++;
    return b;
  }

  /** Adds one probability row and its true label. */
  update(probabilities: ArrayLike<number>, label: number): this {
    const where = 'CalibrationError.update';
    checkArray(where, 'probabilities', probabilities);
    checkLabel(where, 'label', label);
    forEachRow([probabilities], () => {}, where, true);
    this.add(probabilities, 0, probabilities.length, label);
    return this;
  }

  /** Adds many rows at once; all are checked before any is counted. */
  updateMany(probabilities: Probabilities, labels: Labels): this {
    return this.addMany('CalibrationError.updateMany', probabilities, labels);
  }

  /** @internal `updateMany` with the caller's name in error messages. */
  addMany(where: string, probabilities: Probabilities, labels: Labels): this {
    checkArray(where, 'labels', labels);
    const n = rowCount(probabilities, where);
    if (n !== labels.length) {
      throw invalidArgument(where, 'labels', `one per probability row (${n})`, labels);
    }
    for (let i = 0; i < labels.length; i++) checkLabel(where, `labels[${i}]`, labels[i]);
    forEachRow(probabilities, () => {}, where, true);
    forEachRow(probabilities, (values, offset, width, i) => {
      this.add(values, offset, width, labels[i] as number);
    });
    return this;
  }

  private add(values: ArrayLike<number>, offset: number, width: number, label: number): void {
    const pred = argmaxAt(values, offset, width);
    const conf = values[offset + pred] as number;
    const b = this.binOf(conf);
    this.count[b]! += 1;
    this.correct[b]! += pred === label ? 1 : 0;
    this.confidence[b]! += conf;
    this.total++;
  }

  /** The ECE; NaN before any update. */
  value(): number {
    if (this.total === 0) return Number.NaN;
    let ece = 0;
    for (let b = 0; b < this.nBins; b++) {
      const n = this.count[b]!;
      if (n === 0) continue;
      ece += (n / this.total) * Math.abs(this.correct[b]! / n - this.confidence[b]! / n);
    }
    return ece;
  }

  /** Per-bin reliability data for diagrams. */
  bins(): { lo: number; hi: number; count: number; accuracy: number; confidence: number }[] {
    return Array.from({ length: this.nBins }, (_, b) => {
      const n = this.count[b]!;
      return {
        lo: b / this.nBins,
        hi: (b + 1) / this.nBins,
        count: n,
        accuracy: n === 0 ? Number.NaN : this.correct[b]! / n,
        confidence: n === 0 ? Number.NaN : this.confidence[b]! / n,
      };
    });
  }
}

/** A filled CalibrationError of a non-empty batch, errors naming `where`. Internal. */
export function calibrationOf(
  where: string,
  probabilities: Probabilities,
  labels: Labels,
  nBins: number,
): CalibrationError {
  checkNumber(where, 'nBins', nBins, { integer: true, min: 1 });
  const ece = new CalibrationError(nBins).addMany(where, probabilities, labels);
  checkNonEmpty(where, 'labels', labels);
  return ece;
}

import {
  argmaxAt,
  checkLabel,
  forEachRow,
  type Labels,
  type Probabilities,
  rowCount,
} from './labels';

/**
 * Expected calibration error, streaming: confidences (max probability) go into `nBins`
 * equal-width bins (lo, hi]; ECE = Σ |B|/n · |accuracy(B) − mean confidence(B)|.
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
    if (!Number.isInteger(nBins) || nBins < 1) {
      throw new RangeError(`nBins must be a whole number >= 1, got ${nBins}`);
    }
    this.nBins = nBins;
    this.count = new Float64Array(nBins);
    this.correct = new Float64Array(nBins);
    this.confidence = new Float64Array(nBins);
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
    this.add(probabilities, 0, probabilities.length, checkLabel(label, 'label'));
    return this;
  }

  /** Adds many rows at once. */
  updateMany(probabilities: Probabilities, labels: Labels): this {
    if (rowCount(probabilities) !== labels.length) {
      throw new RangeError(
        `probabilities/labels: lengths differ (${rowCount(probabilities)} vs ${labels.length})`,
      );
    }
    forEachRow(probabilities, (values, offset, width, i) => {
      this.add(values, offset, width, checkLabel(labels[i] as number, `labels[${i}]`));
    });
    return this;
  }

  private add(values: ArrayLike<number>, offset: number, width: number, label: number): void {
    if (width === 0) throw new RangeError('probabilities: empty row');
    const pred = argmaxAt(values, offset, width);
    const conf = values[offset + pred] as number;
    if (!(conf >= 0 && conf <= 1)) {
      throw new RangeError(`probabilities: confidence ${conf} is outside [0, 1]`);
    }
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

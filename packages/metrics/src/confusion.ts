import { invalidArgument } from '@rvft/errors';
import { checkArray, checkLabel, checkSameLength, type Labels } from './labels';

export interface ClassScores {
  label: number;
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose true label is this class. */
  support: number;
}

/**
 * A streaming confusion matrix: `update` with (true, predicted) pairs, then ask for
 * accuracy, per-class scores or macro F1. Grows as new labels appear.
 *
 * @example
 * const cm = new ConfusionMatrix().update([0, 1, 1], [0, 1, 0]);
 * cm.accuracy(); // → 0.6667 — 2/3
 * cm.macroF1(); // → 0.6667 — (2/3 + 2/3) / 2
 */
export class ConfusionMatrix {
  /** counts[t][p]: examples of true class t predicted as p. */
  private counts: number[][] = [];
  private seen = new Set<number>();
  private total = 0;

  /** Adds one pair, or arrays of pairs. Returns `this` for chaining. */
  update(yTrue: number | Labels, yPred: number | Labels): this {
    checkPairs('ConfusionMatrix.update', yTrue, yPred);
    if (typeof yTrue === 'number' && typeof yPred === 'number') {
      this.add(yTrue, yPred);
      return this;
    }
    const t = yTrue as Labels;
    const p = yPred as Labels;
    for (let i = 0; i < t.length; i++) this.add(t[i] as number, p[i] as number);
    return this;
  }

  private add(t: number, p: number): void {
    const size = Math.max(t, p) + 1;
    while (this.counts.length < size) this.counts.push([]);
    const row = this.counts[t] as number[];
    row[p] = (row[p] ?? 0) + 1;
    this.seen.add(t);
    this.seen.add(p);
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** Labels seen as truth or prediction, ascending (sklearn's default label set). */
  labels(): number[] {
    return [...this.seen].sort((a, b) => a - b);
  }

  get(trueLabel: number, predLabel: number): number {
    return this.counts[trueLabel]?.[predLabel] ?? 0;
  }

  /** Dense matrix over `labels` (default: every label seen). */
  matrix(labels: readonly number[] = this.labels()): number[][] {
    checkLabelList('ConfusionMatrix.matrix', labels);
    return labels.map((t) => labels.map((p) => this.get(t, p)));
  }

  /** Share of correct predictions; NaN before any update. */
  accuracy(): number {
    if (this.total === 0) return Number.NaN;
    let correct = 0;
    for (let k = 0; k < this.counts.length; k++) correct += this.get(k, k);
    return correct / this.total;
  }

  /**
   * Precision, recall and F1 for each label. A class with no predictions has precision 0,
   * one with no examples recall 0 (sklearn's zero_division=0).
   */
  perClass(labels: readonly number[] = this.labels()): ClassScores[] {
    checkLabelList('ConfusionMatrix.perClass', labels);
    return labels.map((label) => {
      const tp = this.get(label, label);
      let predicted = 0;
      let actual = 0;
      for (let k = 0; k < this.counts.length; k++) {
        predicted += this.get(k, label);
        actual += this.get(label, k);
      }
      const precision = predicted === 0 ? 0 : tp / predicted;
      const recall = actual === 0 ? 0 : tp / actual;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { label, precision, recall, f1, support: actual };
    });
  }

  /** Unweighted mean F1 over `labels` (default: every label seen); NaN when empty. */
  macroF1(labels: readonly number[] = this.labels()): number {
    if (labels.length === 0) return Number.NaN;
    const scores = this.perClass(labels);
    return scores.reduce((s, c) => s + c.f1, 0) / scores.length;
  }

  /** Recall of one class (its accuracy); NaN when the class has no examples. */
  classAccuracy(label: number): number {
    checkLabel('ConfusionMatrix.classAccuracy', 'label', label);
    let actual = 0;
    for (let k = 0; k < this.counts.length; k++) actual += this.get(label, k);
    return actual === 0 ? Number.NaN : this.get(label, label) / actual;
  }

  /**
   * Mean per-class accuracy over a set of class ids (e.g. the old or the new classes).
   * Classes without examples are left out of the mean; NaN when none has examples.
   */
  meanClassAccuracy(classIds: readonly number[]): number {
    checkLabelList('ConfusionMatrix.meanClassAccuracy', classIds, 'classIds');
    const accs = classIds.map((c) => this.classAccuracy(c)).filter((a) => !Number.isNaN(a));
    return accs.length === 0 ? Number.NaN : accs.reduce((s, a) => s + a, 0) / accs.length;
  }
}

/** A list of class labels (integers ≥ 0). Internal. */
export function checkLabelList(where: string, labels: unknown, name = 'labels'): void {
  checkArray(where, name, labels);
  const list = labels as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) checkLabel(where, `${name}[${i}]`, list[i]);
}

/**
 * Checks (true, predicted) labels as `update` takes them — two labels, or two arrays of the same
 * length holding integers ≥ 0 — all before anything is counted, so a refused batch leaves a
 * matrix as it was. Internal.
 */
export function checkPairs(where: string, yTrue: unknown, yPred: unknown): void {
  if (typeof yTrue === 'number' && typeof yPred === 'number') {
    checkLabel(where, 'yTrue', yTrue);
    checkLabel(where, 'yPred', yPred);
    return;
  }
  if (typeof yTrue === 'number' || typeof yPred === 'number') {
    throw invalidArgument(where, 'yTrue, yPred', 'both labels or both arrays', yPred);
  }
  checkArray(where, 'yTrue', yTrue);
  checkArray(where, 'yPred', yPred);
  const t = yTrue as ArrayLike<unknown>;
  const p = yPred as ArrayLike<unknown>;
  checkSameLength(where, ['yTrue', 'yPred'], t, p);
  for (let i = 0; i < t.length; i++) {
    checkLabel(where, `yTrue[${i}]`, t[i]);
    checkLabel(where, `yPred[${i}]`, p[i]);
  }
}

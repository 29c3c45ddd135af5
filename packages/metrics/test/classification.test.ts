import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmax,
  CalibrationError,
  ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  macroF1,
  meanClassAccuracy,
  perClassAccuracy,
  perClassScores,
} from '../src/index';
import { expectInvalid } from './helpers';

// Hand-worked example:
//   truth 0 0 1 1 2 2
//   pred  0 1 1 1 0 2
// class 0: tp 1, predicted 2, actual 2 → P 1/2, R 1/2, F1 1/2
// class 1: tp 2, predicted 3, actual 2 → P 2/3, R 1,   F1 4/5
// class 2: tp 1, predicted 1, actual 2 → P 1,   R 1/2, F1 2/3
const yTrue = [0, 0, 1, 1, 2, 2];
const yPred = [0, 1, 1, 1, 0, 2];

describe('classification metrics', () => {
  it('accuracy', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(4 / 6, 12);
    expect(accuracy(new Int32Array([1, 1]), new Int32Array([1, 1]))).toBe(1);
    // the accuracy of nothing is refused, not NaN
    expectInvalid(() => accuracy([], []), 'accuracy: yTrue must be non-empty, got an array of 0');
  });

  it('confusion matrix: rows are truth, columns prediction', () => {
    expect(confusionMatrix(yTrue, yPred)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(confusionMatrix([0], [0], 3)).toEqual([
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('per-class precision, recall, F1, support', () => {
    const scores = perClassScores(yTrue, yPred);
    expect(scores.map((s) => s.precision)).toEqual([0.5, 2 / 3, 1]);
    expect(scores.map((s) => s.recall)).toEqual([0.5, 1, 0.5]);
    expect(scores[1]!.f1).toBeCloseTo(0.8, 12);
    expect(scores[2]!.f1).toBeCloseTo(2 / 3, 12);
    expect(scores.map((s) => s.support)).toEqual([2, 2, 2]);
  });

  it('macro F1', () => {
    expect(macroF1(yTrue, yPred)).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
  });

  it('macro F1 with a constant predictor is 1/3 for two balanced classes', () => {
    // The drifted champion of scenario B: F1 2/3 for the predicted class, 0 for the other.
    expect(macroF1([0, 0, 1, 1], [1, 1, 1, 1])).toBeCloseTo(1 / 3, 12);
  });

  it('empty classes: absent from the default label set, zero when named', () => {
    expect(macroF1([0, 0, 2], [0, 0, 2])).toBe(1);
    expect(macroF1([0, 0, 2], [0, 0, 2], [0, 1, 2])).toBeCloseTo(2 / 3, 12);
    const acc = perClassAccuracy([0, 0, 2], [0, 1, 2], 3);
    expect(acc[0]).toBe(0.5);
    expect(Number.isNaN(acc[1]!)).toBe(true);
    expect(acc[2]).toBe(1);
  });

  it('mean accuracy over old and new classes skips classes without examples', () => {
    // classes 0,1,2 old; 3,4 new; class 4 has no examples
    const t = [0, 0, 1, 2, 3, 3];
    const p = [0, 3, 1, 3, 3, 3];
    expect(meanClassAccuracy(t, p, [0, 1, 2])).toBeCloseTo((0.5 + 1 + 0) / 3, 12);
    expect(meanClassAccuracy(t, p, [3, 4])).toBe(1);
    expect(Number.isNaN(meanClassAccuracy(t, p, [4]))).toBe(true);
  });

  it('rejects bad labels and mismatched lengths with the position', () => {
    expectInvalid(
      () => accuracy([0, 1], [0]),
      /accuracy: yTrue, yPred must be the same length \(lengths differ: 2 vs 1\)/,
    );
    expectInvalid(
      () => accuracy([0, -1], [0, 1]),
      'accuracy: yTrue[1] must be an integer >= 0, got -1',
    );
    expectInvalid(() => accuracy([0, 1.5], [0, 1]), /accuracy: yTrue\[1\] must be an integer/);
    expectInvalid(
      () => accuracy([0, Number.NaN], [0, 1]),
      'accuracy: yTrue[1] must be an integer, got NaN',
    );
    expectInvalid(() => new ConfusionMatrix().update(1, [1]), /both labels or both arrays/);
  });

  it('the streaming matrix equals the batch functions', () => {
    const cm = new ConfusionMatrix();
    yTrue.forEach((t, i) => {
      cm.update(t, yPred[i]!);
    });
    expect(cm.accuracy()).toBe(accuracy(yTrue, yPred));
    expect(cm.macroF1()).toBe(macroF1(yTrue, yPred));
    expect(cm.count).toBe(6);
  });
});

describe('argmax', () => {
  it('breaks ties toward the lowest index, flat or nested', () => {
    expect([
      ...argmax([
        [0.5, 0.5],
        [0.2, 0.8],
        [0.4, 0.6],
      ]),
    ]).toEqual([0, 1, 1]);
    // rows of one table have one width; a NaN anywhere in a row is refused
    expectInvalid(
      () =>
        argmax([
          [0.5, 0.5],
          [0.4, 0.3, 0.3],
        ]),
      'argmax: probabilities row 1 must be 2 wide like row 0, got 3',
    );
    expectInvalid(
      () => argmax([[0.9, Number.NaN]]),
      'argmax: probabilities row 0, class 1 must be a finite number, got NaN',
    );
    expect([...argmax({ values: new Float32Array([0.1, 0.9, 0.7, 0.3]), nClasses: 2 })]).toEqual([
      1, 0,
    ]);
    expectInvalid(
      () => argmax({ values: [0.1, 0.2, 0.3], nClasses: 2 }),
      /not a multiple of nClasses/,
    );
    expectInvalid(
      () => argmax({ values: [0.1, 0.2], nClasses: 0 }),
      /nClasses must be an integer >= 1/,
    );
  });
});

describe('expected calibration error', () => {
  it('two rows in different bins', () => {
    // |1 − 0.9|·1/2 + |0 − 0.6|·1/2
    expect(
      expectedCalibrationError(
        [
          [0.9, 0.1],
          [0.6, 0.4],
        ],
        [0, 1],
      ),
    ).toBeCloseTo(0.35, 12);
  });

  it('rows sharing a bin are averaged before the gap is taken', () => {
    // 0.8 and 0.8 share bin (11/15, 12/15]; 0.7 is in (10/15, 11/15].
    // bin A: acc 1/2, conf 0.8 → gap 0.3, weight 2/3; bin B: acc 1, conf 0.7 → gap 0.3, 1/3
    const probs = [
      [0.8, 0.2],
      [0.8, 0.2],
      [0.7, 0.3],
    ];
    expect(expectedCalibrationError(probs, [0, 1, 0])).toBeCloseTo(0.3, 12);
  });

  it('bins are (lo, hi]: a confidence on an edge belongs to the lower bin', () => {
    const ece = new CalibrationError(15);
    expect(ece.binOf(2 / 15)).toBe(1);
    expect(ece.binOf(0.8)).toBe(11);
    expect(ece.binOf(1)).toBe(14);
    expect(ece.binOf(0)).toBe(0);
    expect(new CalibrationError(10).binOf(0.5)).toBe(4);
  });

  it('a perfectly confident, perfectly right model has ECE 0; a constant wrong one has ECE = confidence', () => {
    expect(
      expectedCalibrationError(
        [
          [1, 0],
          [0, 1],
        ],
        [0, 1],
      ),
    ).toBe(0);
    expect(expectedCalibrationError([[0.75, 0.25]], [1])).toBeCloseTo(0.75, 12);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expectInvalid(
      () => expectedCalibrationError([[1.5, -0.5]], [0]),
      'expectedCalibrationError: probabilities row 0, class 0 must be a probability in [0, 1], got 1.5',
    );
  });
});

describe('classificationReport', () => {
  it('combines accuracy, macro F1, ECE and old/new class accuracy', () => {
    const probs = {
      values: new Float32Array([0.9, 0.1, 0, 0.2, 0.8, 0, 0.1, 0.1, 0.8]),
      nClasses: 3,
    };
    const r = classificationReport(probs, [0, 1, 1], { oldClasses: [0], newClasses: [1, 2] });
    expect(r.n).toBe(3);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    expect(r.oldClassAccuracy).toBe(1);
    expect(r.newClassAccuracy).toBeCloseTo(0.5, 12); // class 1: 1/2, class 2: no examples
    expect(r.ece).toBeGreaterThan(0);
  });
});

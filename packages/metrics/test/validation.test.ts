import { describe, expect, it } from 'vitest';
import {
  accuracy,
  CalibrationError,
  ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  continualMetrics,
  expectedCalibrationError,
  macroF1,
  meanClassAccuracy,
  perClassAccuracy,
  perClassScores,
  statisticalGate,
} from '../src/index';
import { expectInvalid } from './helpers';

// Every exported function refuses NaN, Infinity, negatives, non-integers, unknown enum values,
// mismatched lengths and empty inputs with RVFT_ERR_INVALID_ARGUMENT and one message shape:
// "<function>: <argument> must be <rule>, got <value>".
describe('metrics refuse invalid input at the boundary', () => {
  it('confusionMatrix: nClasses must be a whole number covering every label seen', () => {
    expectInvalid(
      () => confusionMatrix([0, 1], [1, 0], 2.5),
      'confusionMatrix: nClasses must be an integer >= 2, got 2.5',
    );
    // 2 would silently drop class 2's row and column
    expectInvalid(
      () => confusionMatrix([0, 2], [1, 0], 2),
      'confusionMatrix: nClasses must be an integer >= 3, got 2',
    );
    expectInvalid(
      () => confusionMatrix([0], [0], Number.NaN),
      /nClasses must be an integer, got NaN/,
    );
    expect(confusionMatrix([0, 1, 1], [0, 1, 0], 3)).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expectInvalid(() => confusionMatrix([], []), 'confusionMatrix: yTrue must be non-empty');
  });

  it('ECE: a NaN anywhere in a row is refused, not only where argmax looks', () => {
    // [0.9, NaN]: argmax picks 0.9 and a check of the confidence alone passed it
    expectInvalid(
      () => expectedCalibrationError([[0.9, Number.NaN]], [0]),
      'expectedCalibrationError: probabilities row 0, class 1 must be a probability in [0, 1], got NaN',
    );
    expectInvalid(
      () => expectedCalibrationError({ values: [0.5, 0.5, 0.9, -0.1], nClasses: 2 }, [0, 1]),
      'expectedCalibrationError: probabilities row 1, class 1 must be a probability in [0, 1], got -0.1',
    );
    expectInvalid(
      () => new CalibrationError().update([0.2, Number.NaN, 0.8], 2),
      /CalibrationError.update: probabilities row 0, class 1/,
    );
    expectInvalid(
      () => expectedCalibrationError([[1, 0]], [0], 0),
      'expectedCalibrationError: nBins must be an integer >= 1, got 0',
    );
    expectInvalid(() => expectedCalibrationError([[1, 0]], [0], 2.5), /nBins must be an integer/);
    expectInvalid(
      () => expectedCalibrationError([[1, 0]], [0, 1]),
      /labels must be one per probability row \(1\)/,
    );
    expectInvalid(
      () => expectedCalibrationError([], []),
      'expectedCalibrationError: labels must be non-empty',
    );
    expectInvalid(
      () => new CalibrationError(Number.NaN),
      'CalibrationError: nBins must be an integer, got NaN',
    );
    expectInvalid(
      () => new CalibrationError().update([1, 0], -1),
      /label must be an integer >= 0, got -1/,
    );
  });

  it('a refused batch leaves a streaming metric unchanged', () => {
    const cm = new ConfusionMatrix().update([0, 1], [0, 1]);
    expectInvalid(
      () => cm.update([0, 1, 2], [0, 1, Number.NaN]),
      /yPred\[2\] must be an integer, got NaN/,
    );
    expect(cm.count).toBe(2);
    const ece = new CalibrationError().update([0.9, 0.1], 0);
    expectInvalid(
      () =>
        ece.updateMany(
          [
            [0.6, 0.4],
            [0.5, Number.NaN],
          ],
          [0, 1],
        ),
      /row 1, class 1/,
    );
    expect(ece.value()).toBeCloseTo(0.1, 12);
  });

  it('label lists, class counts and options', () => {
    expectInvalid(
      () => meanClassAccuracy([0], [0], []),
      'meanClassAccuracy: classIds must be non-empty',
    );
    expectInvalid(
      () => perClassAccuracy([0, 1], [0, 1], 1.5),
      'perClassAccuracy: nClasses must be an integer >= 2, got 1.5',
    );
    expectInvalid(
      () => perClassAccuracy([0, 3], [0, 1], 2),
      'perClassAccuracy: nClasses must be an integer >= 4, got 2',
    );
    expectInvalid(
      () => meanClassAccuracy([0], [0], [0, -1]),
      'meanClassAccuracy: classIds[1] must be an integer >= 0, got -1',
    );
    expectInvalid(
      () => perClassScores([0], [0], [Number.NaN]),
      'perClassScores: labels[0] must be an integer, got NaN',
    );
    expectInvalid(() => macroF1([0], [0], []), 'macroF1: labels must be non-empty');
    expectInvalid(() => macroF1([0], [0], [0.5]), /macroF1: labels\[0\] must be an integer/);
    expectInvalid(
      () => classificationReport([[1, 0]], [0], { oldClasses: [Number.POSITIVE_INFINITY] }),
      'classificationReport: oldClasses[0] must be an integer, got Infinity',
    );
    expectInvalid(
      () => classificationReport([[1, 0]], [0], { nBins: -3 }),
      /classificationReport: nBins/,
    );
    expectInvalid(
      () => classificationReport([[1, 0]], [0, 1]),
      /classificationReport: labels must be one per probability row/,
    );
    expectInvalid(
      () => new ConfusionMatrix().matrix([0, 1.5]),
      /ConfusionMatrix.matrix: labels\[1\]/,
    );
    expectInvalid(
      () => new ConfusionMatrix().classAccuracy(-1),
      /classAccuracy: label must be an integer >= 0/,
    );
  });

  it('statisticalGate: an invalid policy is RVFT_ERR_INVALID_ARGUMENT, naming the field', () => {
    const ev = { newCorrect: [1, 0, 1] };
    expectInvalid(
      () => statisticalGate(ev, ev, { alpha: 0 }),
      'statisticalGate: policy.alpha must be a finite number > 0 < 1, got 0',
    );
    expectInvalid(
      () => statisticalGate(ev, ev, { maxForgetting: Number.POSITIVE_INFINITY }),
      /policy.maxForgetting must be a finite number, got Infinity/,
    );
    expectInvalid(
      () => statisticalGate(ev, ev, { improvement: 'always' as never }),
      `statisticalGate: policy.improvement must be one of 'none', 'margin', 'significant', got "always"`,
    );
    expectInvalid(
      () => statisticalGate(ev, ev, { requireOld: 1 as never }),
      /policy.requireOld must be a boolean/,
    );
    expectInvalid(
      () => statisticalGate(ev, ev, null as never),
      /statisticalGate: policy must be a policy object/,
    );
  });
});

describe('the docstring examples say what the functions return', () => {
  it('classification helpers', () => {
    expect(accuracy([0, 1, 1, 2], [0, 1, 0, 2])).toBe(0.75);
    expect(confusionMatrix([0, 1, 1], [0, 1, 0])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(perClassScores([0, 1, 1], [0, 1, 0])[1]).toMatchObject({
      precision: 1,
      recall: 0.5,
      support: 2,
    });
    expect(macroF1([0, 1, 1], [0, 1, 0])).toBeCloseTo(2 / 3, 12);
    expect(perClassAccuracy([0, 1, 1], [0, 1, 0], 3)).toEqual([1, 0.5, Number.NaN]);
    expect(meanClassAccuracy([0, 1, 1], [0, 1, 0], [0, 1])).toBe(0.75);
    expect(
      expectedCalibrationError(
        [
          [0.9, 0.1],
          [0.6, 0.4],
        ],
        [0, 1],
      ),
    ).toBeCloseTo(0.35, 12);
    const report = classificationReport(
      [
        [0.9, 0.1],
        [0.6, 0.4],
      ],
      [0, 1],
    );
    expect(report).toMatchObject({ n: 2, accuracy: 0.5 });
    expect(report.macroF1).toBeCloseTo(1 / 3, 12);
    expect(
      continualMetrics([
        [0.9, 0.1],
        [0.8, 0.85],
      ]),
    ).toMatchObject({
      averageAccuracy: expect.closeTo(0.825, 12),
      backwardTransfer: expect.closeTo(-0.1, 12),
      forgettingMeasure: expect.closeTo(0.1, 12),
    });
  });
});

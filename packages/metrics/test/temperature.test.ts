import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmax,
  expectedCalibrationError,
  fitTemperature,
  negativeLogLikelihood,
  reliabilityDiagram,
  softmaxWithTemperature,
  temperatureScaling,
} from '../src/index';

// 4 rows scoring [2, 0], 3 of them labelled 0: the NLL-optimal softmax gives class 0 exactly
// 3/4, so σ(2/T) = 3/4 and T = 2 / ln 3 (by hand).
const SAME = [
  [2, 0],
  [2, 0],
  [2, 0],
  [2, 0],
];
const SAME_Y = [0, 0, 0, 1];

// A hand-made 3-class set; its optimum was computed with numpy + scipy (Debian python3,
// scipy.optimize.minimize_scalar, bounded, on ln T over [ln 0.05, ln 20], xatol 1e-12):
// T = 2.009421003632849, NLL 1.0361358324314789 at T = 1 and 0.9047982686022409 at T.
const Z = [
  [3, 1, 0],
  [0.5, 2.5, 0],
  [1, 0, 4],
  [2, 2.2, 0.1],
  [0, 1.5, 1.4],
  [4, 0, 1],
];
const Y = [0, 1, 1, 0, 2, 0];

describe('fitTemperature', () => {
  it('finds T = 2 / ln 3 on the hand-solvable set, with both NLLs', () => {
    const fit = fitTemperature(SAME, SAME_Y);
    expect(fit.temperature).toBeCloseTo(2 / Math.log(3), 7);
    // at T = 1: −(3 ln σ(2) + ln(1 − σ(2))) / 4; at the optimum the entropy of (3/4, 1/4)
    expect(fit.nllBefore).toBeCloseTo(
      (3 * Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(2))) / 4,
      12,
    );
    expect(fit.nllAfter).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 12);
    expect(fit.atBound).toBe(false);
  });

  it('matches scipy on a 3-class set, flat or as rows', () => {
    const flat = { values: Float32Array.from(Z.flat()), nClasses: 3 };
    for (const logits of [Z, flat]) {
      const fit = fitTemperature(logits, Int32Array.from(Y));
      expect(fit.temperature).toBeCloseTo(2.009421003632849, 6);
      expect(fit.nllBefore).toBeCloseTo(1.0361358324314789, 6);
      expect(fit.nllAfter).toBeCloseTo(0.9047982686022409, 6);
    }
  });

  it('keeps T = 1 when the logits carry nothing, and stops at the bound when all rows are right', () => {
    const flat = fitTemperature(
      [
        [0, 0],
        [0, 0],
      ],
      [0, 1],
    );
    expect(flat).toEqual({
      temperature: 1,
      nllBefore: Math.LN2,
      nllAfter: Math.LN2,
      atBound: false,
    });
    // every row right: the NLL falls as T → 0, so the search ends on its lower edge
    const sharp = fitTemperature(
      [
        [1, 0],
        [0, 1],
      ],
      [0, 1],
    );
    expect(sharp.temperature).toBeCloseTo(0.05, 9);
    expect(sharp.atBound).toBe(true);
    expect(
      fitTemperature(
        [
          [1, 0],
          [0, 1],
        ],
        [0, 1],
        { min: 0.5 },
      ).temperature,
    ).toBeCloseTo(0.5, 9);
  });

  it('refuses what it cannot fit', () => {
    expect(() => fitTemperature([[1, 0]], [2])).toThrow(/labels\[0\]/);
    expect(() => fitTemperature([[1, 0]], [0, 1])).toThrow(/one per logit row/);
    expect(() => fitTemperature([], [])).toThrow(/non-empty/);
    expect(() => fitTemperature([[Number.NaN, 0]], [0])).toThrow(/finite/);
    expect(() => fitTemperature(SAME, SAME_Y, { min: 2, max: 1 })).toThrow(/max/);
    expect(() => negativeLogLikelihood(SAME, SAME_Y, 0)).toThrow(/temperature/);
  });
});

describe('softmaxWithTemperature and negativeLogLikelihood', () => {
  it('divides the logits by T before the softmax', () => {
    const p = softmaxWithTemperature([[2, 0]], 2);
    expect(p.nClasses).toBe(2);
    expect(p.values[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(p.values[1]).toBeCloseTo(1 / (1 + Math.exp(1)), 12);
    expect(negativeLogLikelihood([[2, 0]], [0], 2)).toBeCloseTo(Math.log(1 + Math.exp(-1)), 12);
    // far-apart scores do not overflow
    expect(negativeLogLikelihood([[1000, 0]], [1])).toBeCloseTo(1000, 9);
  });

  it('keeps every argmax, so accuracy does not move', () => {
    const before = argmax(softmaxWithTemperature(Z, 1));
    for (const t of [0.05, 0.3, 2.009, 20]) {
      const p = softmaxWithTemperature(Z, t);
      expect(Array.from(argmax(p))).toEqual(Array.from(before));
      expect(accuracy(Array.from(argmax(p)), Y)).toBe(3 / 6);
    }
  });
});

describe('reliabilityDiagram', () => {
  it('bins confidences (lo, hi] with count, accuracy, mean confidence', () => {
    const bins = reliabilityDiagram(
      [
        [0.9, 0.1],
        [0.6, 0.4],
        [0.2, 0.8],
        [0.5, 0.5],
      ],
      [0, 1, 1, 0],
      2,
    );
    // confidences 0.9 (right), 0.6 (wrong), 0.8 (right), 0.5 (right, the tie goes to class 0)
    expect(bins).toEqual([
      { lo: 0, hi: 0.5, count: 1, accuracy: 1, confidence: 0.5 },
      { lo: 0.5, hi: 1, count: 3, accuracy: 2 / 3, confidence: expect.closeTo(2.3 / 3, 12) },
    ]);
    expect(reliabilityDiagram([[0.9, 0.1]], [0], 3)[0]).toEqual({
      lo: 0,
      hi: 1 / 3,
      count: 0,
      accuracy: null,
      confidence: null,
    });
  });
});

describe('temperatureScaling', () => {
  it('reports T, NLL and ECE before and after, and an unchanged accuracy', () => {
    const s = temperatureScaling(SAME, SAME_Y);
    expect(s.temperature).toBeCloseTo(2 / Math.log(3), 7);
    expect(s.rows).toBe(4);
    // before: one bin at confidence σ(2) with accuracy 3/4; after: confidence 3/4
    expect(s.ece.before).toBeCloseTo(1 / (1 + Math.exp(-2)) - 0.75, 12);
    expect(s.ece.after).toBeCloseTo(0, 7);
    expect(s.accuracy).toBe(0.75);
    expect(s.reliability.after.find((b) => b.count > 0)).toMatchObject({
      count: 4,
      accuracy: 0.75,
      confidence: expect.closeTo(0.75, 7),
    });
    expect(s.nll.after).toBeLessThan(s.nll.before);
    const z = temperatureScaling(Z, Y);
    expect(z.ece.before).toBeCloseTo(expectedCalibrationError(softmaxWithTemperature(Z, 1), Y), 12);
    expect(z.accuracy).toBe(3 / 6);
    expect(JSON.parse(JSON.stringify(z))).toEqual(z);
  });
});

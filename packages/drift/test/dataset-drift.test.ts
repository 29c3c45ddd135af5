import { distributionShiftScenario } from '@rvft/data';
import { describe, expect, it } from 'vitest';
import { datasetDrift } from '../src/index';
import { expectInvalid } from './helpers';

const table = (xs: number[], nFeatures = 1) => ({ features: Float32Array.from(xs), nFeatures });

describe('dataset drift', () => {
  const b = distributionShiftScenario({ seed: 3 });
  it('every feature drifts under scenario B’s shift; the verdict says so', () => {
    const r = datasetDrift(b.originalTrain, b.shiftedTrain);
    expect(r.features).toHaveLength(20);
    expect(r.driftShare).toBe(1);
    expect(r.drifted).toBe(true);
    expect(r.features[0]!.psi.band).toBe('significant');
  });

  it('the same distribution does not drift', () => {
    const r = datasetDrift(b.originalTrain, b.originalTest);
    expect(r.driftShare).toBeLessThan(0.2);
    expect(r.drifted).toBe(false);
    expect(datasetDrift(b.originalTrain, b.originalTest, { by: 'psi' }).drifted).toBe(false);
  });

  it('the docstring example, with the exact p-value', () => {
    // n = m = 6, D = 1: 2 of C(12, 6) = 924 orderings → p = 2/924
    const r = datasetDrift(table([1, 2, 3, 4, 5, 6]), table([11, 12, 13, 14, 15, 16]));
    expect(r.features[0]!.ks.pValue).toBeCloseTo(2 / 924, 15);
    expect(r.drifted).toBe(true);
  });

  it('Evidently’s inclusive thresholds: p = alpha and PSI = threshold count as drift', () => {
    // n = m = 3, D = 1: p = 2/20 = 0.1 exactly as a double? 0.09999999999999999 (scipy too) —
    // so alpha = 0.1 drifts, alpha = 0.0999 does not.
    const r = table([1, 2, 3]);
    const c = table([4, 5, 6]);
    const p = datasetDrift(r, c).features[0]!.ks.pValue;
    expect(datasetDrift(r, c, { alpha: p }).drifted).toBe(true);
    expect(datasetDrift(r, c, { alpha: 0.0999 }).drifted).toBe(false);
    const value = datasetDrift(r, c).features[0]!.psi.psi;
    expect(datasetDrift(r, c, { by: 'psi', psiThreshold: value }).drifted).toBe(true);
  });

  it('reads the right columns of a two-feature table', () => {
    // feature 0 identical, feature 1 shifted: half the features drifted → drifted (≥ 0.5)
    const ref = table([1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60], 2);
    const cur = table([1, 110, 2, 120, 3, 130, 4, 140, 5, 150, 6, 160], 2);
    const r = datasetDrift(ref, cur);
    expect(r.features.map((f) => f.drifted)).toEqual([false, true]);
    expect(r.driftShare).toBe(0.5);
    expect(r.drifted).toBe(true);
    expect(datasetDrift(ref, cur, { shareThreshold: 0.6 }).drifted).toBe(false);
  });

  it('refuses misaligned tables, unknown options and non-finite cells', () => {
    // 7 values in rows of 2 used to be read as 3 rows, the last value silently dropped
    expectInvalid(
      () => datasetDrift(table([1, 2, 3, 4, 5, 6, 7], 2), table([1, 2], 2)),
      'datasetDrift: reference.features must be a whole number of rows of 2 features (length a multiple of 2), got 7',
    );
    expectInvalid(
      () => datasetDrift(table([1, 2]), table([1, 2, 3, 4], 2)),
      'datasetDrift: current.nFeatures must be equal to reference.nFeatures (1), got 2',
    );
    // 'PSI' was read as KS before
    expectInvalid(
      () => datasetDrift(table([1]), table([2]), { by: 'PSI' as never }),
      `datasetDrift: by must be one of 'ks', 'psi', got "PSI"`,
    );
    expectInvalid(
      () => datasetDrift(table([1]), table([2]), { alpha: 0 }),
      /alpha must be a finite number > 0 < 1/,
    );
    expectInvalid(
      () => datasetDrift(table([1]), table([2]), { alpha: Number.NaN }),
      /alpha must be a finite number, got NaN/,
    );
    expectInvalid(() => datasetDrift(table([1]), table([2]), { psiThreshold: -1 }), /psiThreshold/);
    expectInvalid(
      () => datasetDrift(table([1]), table([2]), { shareThreshold: 0 }),
      /shareThreshold/,
    );
    expectInvalid(
      () => datasetDrift(table([1]), table([2]), { shareThreshold: 1.5 }),
      /shareThreshold/,
    );
    expectInvalid(
      () => datasetDrift(table([1], 0), table([2], 0)),
      /reference.nFeatures must be an integer >= 1, got 0/,
    );
    expectInvalid(
      () => datasetDrift(table([1], 1.5), table([2], 1.5)),
      /nFeatures must be an integer/,
    );
    expectInvalid(
      () => datasetDrift(table([]), table([2])),
      /reference.features must be non-empty/,
    );
    expectInvalid(
      () => datasetDrift(table([1, 2, 3, 4], 2), table([1, Number.NaN], 2)),
      'datasetDrift: current row 0, feature 1 must be a finite number, got NaN',
    );
    expectInvalid(() => datasetDrift(null as never, table([1])), /reference must be a table/);
    expectInvalid(
      () => datasetDrift(table([1]), table([2]), null as never),
      /opts must be an options object/,
    );
  });
});

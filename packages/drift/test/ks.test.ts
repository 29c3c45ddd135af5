import { describe, expect, it } from 'vitest';
import { kolmogorovQ, ksTwoSample } from '../src/index';
import { ksExactPValue } from '../src/ks-exact';
import { expectInvalid, range } from './helpers';

// Reference p-values: scipy 1.17.1, scipy.stats.ks_2samp(a, b) (method='auto', two-sided),
// which is exact for these sizes.
const SCIPY_SMALL: [number[], number[], number, number][] = [
  [[1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], 0.5, 0.35714285714285715],
  [[1, 2, 3], [4, 5, 6], 1, 0.09999999999999999],
  [[1, 2, 3], [10, 11], 1, 0.2],
  [[0.1, 0.4, 0.7], [0.2, 0.5, 0.8, 0.9], 0.5, 0.6571428571428571],
  [[1, 2], [3], 1, 0.6666666666666666],
  [[1, 2, 3, 4], [2.5, 3.5, 4.5, 5.5, 6.5], 0.6, 0.2857142857142857],
  [[1, 2, 3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9, 10], 0.42857142857142855, 0.5751748251748252],
  [[1, 2, 3, 4, 5, 6, 7, 8], [1.5, 9, 10, 11, 12], 0.8, 0.020202020202020204],
];

describe('two-sample Kolmogorov–Smirnov', () => {
  it('statistic by hand', () => {
    // F_a − F_b at x = 5: 1 − 3/6 = 0.5, the largest gap
    expect(ksTwoSample([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8]).statistic).toBeCloseTo(0.5, 12);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3]).statistic).toBe(0);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
    expect(ksTwoSample([1, 2, 3], [10, 11]).statistic).toBe(1);
  });

  it('exact p-values on small samples equal scipy’s', () => {
    for (const [a, b, d, p] of SCIPY_SMALL) {
      const r = ksTwoSample(a, b);
      expect(r.method).toBe('exact');
      expect(r.statistic).toBeCloseTo(d, 14);
      expect(r.pValue).toBeCloseTo(p, 14);
    }
  });

  it('hand-checked exact values: n = m = 3 and D = 1 is 2/C(6,3)', () => {
    // Only the two orderings aaabbb and bbbaaa of 20 reach D = 1.
    expect(ksTwoSample([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(2 / 20, 15);
    // n = 3, m = 2, D = 1: 2 of C(5,2) = 10 orderings
    expect(ksTwoSample([1, 2, 3], [10, 11]).pValue).toBeCloseTo(2 / 10, 15);
    // n = 2, m = 1, D = 1: the one value before or after both: 2 of 3
    expect(ksExactPValue(2, 1, 2)).toBeCloseTo(2 / 3, 15);
  });

  it('the asymptotic formula is what small samples must not use', () => {
    // Stephens' formula for n = m = 3, D = 1 (nₑ = 1.5): Q((√1.5 + 0.12 + 0.11/√1.5)·1)
    // = Q(1.4346) ≈ 0.033, a third of the exact 0.1 — a verdict flip at α = 0.05.
    const en = Math.sqrt(1.5);
    expect(kolmogorovQ(en + 0.12 + 0.11 / en)).toBeLessThan(0.05);
    expect(ksTwoSample([1, 2, 3], [4, 5, 6]).pValue).toBeGreaterThan(0.05);
  });

  it('larger samples equal scipy’s exact values too', () => {
    // scipy 1.17.1 ks_2samp: a = np.arange(1000), b = a + 61 → D 0.061, p 0.04839715079181246
    const a = range(0, 1000);
    const r = ksTwoSample(
      a,
      a.map((x) => x + 61),
    );
    expect(r.statistic).toBeCloseTo(0.061, 14);
    expect(r.pValue).toBeCloseTo(0.04839715079181246, 13);
    // a = np.arange(400)/400, b = np.arange(300)/300 + 0.05 → D 0.0525, p 0.7144518667626962
    const r2 = ksTwoSample(
      range(0, 400).map((i) => i / 400),
      range(0, 300).map((j) => j / 300 + 0.05),
    );
    expect(r2.statistic).toBeCloseTo(0.0525, 14);
    expect(r2.pValue).toBeCloseTo(0.7144518667626962, 13);
    // a = np.arange(10000)/10000, b = np.arange(9999)/9999 + 0.02 → p 0.03448148625232041
    const r3 = ksTwoSample(
      range(0, 10_000).map((i) => i / 10_000),
      range(0, 9999).map((j) => j / 9999 + 0.02),
    );
    expect(r3.method).toBe('exact');
    expect(r3.pValue).toBeCloseTo(0.03448148625232041, 12);
  });

  it('above 10,000 rows the p-value is asymptotic, close to scipy’s kstwo', () => {
    // scipy 1.17.1: a = np.arange(10001)/10001, b = np.arange(9000)/9000 + 0.02 →
    // D 0.020099978890999792, p 0.042937451023088546 (method 'asymp', kstwo at round(nₑ))
    const r = ksTwoSample(
      range(0, 10_001).map((i) => i / 10_001),
      range(0, 9000).map((j) => j / 9000 + 0.02),
    );
    expect(r.method).toBe('asymptotic');
    expect(r.statistic).toBeCloseTo(0.020099978890999792, 12);
    expect(Math.abs(r.pValue - 0.042937451023088546)).toBeLessThan(1e-5); // measured: 1.1e-6
  });

  it('n = m: the reflection formula; n ≠ m: the lattice walk — both hand-checked', () => {
    // n = m = 2, h = 1 (D = 1/2): every ordering except none reaches 1/2 → 1.
    expect(ksExactPValue(2, 2, 1)).toBeCloseTo(1, 15);
    // n = m = 2, h = 2 (D = 1): aabb, bbaa of C(4,2) = 6 → 1/3
    expect(ksExactPValue(2, 2, 2)).toBeCloseTo(1 / 3, 15);
    // n = 2, m = 4, lcm 4, h = 4 (D = 1): aabbbb, bbbbaa of C(6,2) = 15 → 2/15
    expect(ksExactPValue(2, 4, 4)).toBeCloseTo(2 / 15, 15);
  });

  it('Kolmogorov survival function against the published table', () => {
    // Q(λ): 0.10 at 1.224, 0.05 at 1.358, 0.01 at 1.628 (Smirnov 1948 / Massey 1951)
    expect(kolmogorovQ(1.224)).toBeCloseTo(0.1, 3);
    expect(kolmogorovQ(1.358)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.628)).toBeCloseTo(0.01, 3);
    expect(kolmogorovQ(0)).toBe(1);
  });

  it('refuses what is not a sample or a distance', () => {
    expectInvalid(() => ksTwoSample([], [1]), 'ksTwoSample: reference must be a non-empty sample');
    expectInvalid(
      () => ksTwoSample([1], [2, Number.NaN]),
      'ksTwoSample: current[1] must be a finite number, got NaN',
    );
    expectInvalid(
      () => kolmogorovQ(Number.NaN),
      'kolmogorovQ: lambda must be a finite number, got NaN',
    );
    expectInvalid(
      () => kolmogorovQ(-1),
      'kolmogorovQ: lambda must be a finite number >= 0, got -1',
    );
    expectInvalid(() => kolmogorovQ(Number.POSITIVE_INFINITY), /lambda must be a finite number/);
  });
});

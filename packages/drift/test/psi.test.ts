import { describe, expect, it } from 'vitest';
import { psi } from '../src/index';
import { expectInvalid, fill, range } from './helpers';

describe('PSI, Evidently binning (default)', () => {
  it('a shift away from a constant reference is not invisible', () => {
    // One distinct reference value → the categories path over {1, 5}: reference (0 → 1e-4, 1),
    // current (1, 0 → 1e-4). PSI = 2·(1 − 1e-4)·ln(1e4) = 18.41883867587797 (Evidently's
    // get_binned_data + _psi, transcribed with numpy 2.4.6, gives the same 18.41883867587797).
    const r = psi(fill(50, 5), fill(50, 1));
    expect(r.method).toBe('categories');
    expect(r.categories).toEqual([1, 5]);
    expect(r.psi).toBeCloseTo(2 * (1 - 1e-4) * Math.log(1e4), 12);
    expect(r.band).toBe('significant');
    // the same constant on both sides is no drift at all
    expect(psi(fill(50, 5), fill(20, 5)).psi).toBe(0);
  });

  it('values beyond the reference range get bins of their own (Sturges over both samples)', () => {
    // 0..49 vs 0..54: 105 pooled values → ⌈54 / (54/(log₂105 + 1))⌉ = 8 bins of width 6.75.
    // Bins [0, 6.75) [6.75, 13.5) … [47.25, 54]: reference 0..49 counts 7,7,7,6,7,7,7,2 of 50
    // (21..26 is six values; 48, 49 in the last); current 0..54 counts 7,7,7,6,7,7,7,7 of 55.
    // PSI 0.10933204088686849 — numpy 2.4.6 transcription of Evidently's get_binned_data.
    const r = psi(range(0, 50), range(0, 55));
    expect(r.method).toBe('sturges');
    expect(r.edges).toHaveLength(9);
    expect(r.edges[1]).toBeCloseTo(6.75, 12);
    expect(r.expected.map((e) => Math.round(e * 50))).toEqual([7, 7, 7, 6, 7, 7, 7, 2]);
    expect(r.actual.map((a) => Math.round(a * 55))).toEqual([7, 7, 7, 6, 7, 7, 7, 7]);
    expect(r.psi).toBeCloseTo(0.10933204088686849, 13);
    expect(r.band).toBe('moderate'); // ≥ 0.1: Evidently's drift verdict too
  });

  it('matches a hand-computed categories value with a zero-filled empty bin', () => {
    // reference {1: 2/4, 2: 2/4}, current {1: 3/4, 3: 1/4}: keys 1, 2, 3.
    // reference 3 → 1e-4; current 2 → 1e-4 (smallest non-zero share 0.25 > 1e-4).
    const e = [0.5, 0.5, 1e-4];
    const a = [0.75, 1e-4, 0.25];
    const want = e.reduce((s, ei, i) => s + (ei - a[i]!) * Math.log(ei / a[i]!), 0);
    const r = psi([1, 1, 2, 2], [1, 1, 1, 3]);
    expect(r.expected).toEqual(e);
    expect(r.actual).toEqual(a);
    expect(r.psi).toBeCloseTo(want, 14);
  });

  it('zero fill below 1e-4 follows Evidently: the smallest share / 10⁶', () => {
    // current: 20,000 values, one of them a 2 → smallest non-zero share 5e-5 ≤ 1e-4, so the
    // empty bin (3) gets 5e-11.
    const cur = [...fill(19_999, 1), 2];
    const r = psi([1, 2, 3], cur);
    expect(r.actual[2]).toBeCloseTo(5e-11, 24);
  });

  it('is 0 for the same sample; bands follow the thresholds', () => {
    const xs = range(0, 100);
    expect(psi(xs, xs).psi).toBe(0);
    expect(psi(xs, xs).band).toBe('none');
  });
});

describe('PSI, quantile binning', () => {
  it('matches a hand-computed value', () => {
    // 30 distinct reference values 1..30, 2 bins: edges min 1, median 15.5, max 30.
    // Bins (−∞,1) [1,15.5] (15.5,30] (30,∞); reference 0,15,15,0; current 10 values of 1..10
    // and 10 of 31 → 0,10,0,10. Smoothed with ε = 1e-9.
    const cur = [...range(1, 11), ...fill(10, 31)];
    const r = psi(range(1, 31), cur, { binning: 'quantile', bins: 2, epsilon: 1e-9 });
    expect(r.method).toBe('quantile');
    expect(r.edges).toEqual([1, 15.5, 30]);
    const eps = 1e-9;
    const e = [0, 15, 15, 0].map((c) => (c + eps) / (30 + 4 * eps));
    const a = [0, 10, 0, 10].map((c) => (c + eps) / (20 + 4 * eps));
    const want = e.reduce((s, ei, i) => s + (ei - a[i]!) * Math.log(ei / a[i]!), 0);
    expect(r.psi).toBeCloseTo(want, 10);
  });

  it('a shift past the reference maximum is not diluted into its top decile', () => {
    // 0..49 → 0..54: the five new values fall in the open bin above 49, which the reference
    // never fills. Before this bin existed the PSI here was 0.057 ('none').
    const r = psi(range(0, 50), range(0, 55), { binning: 'quantile' });
    // bins (−∞,0) [0,4.9] (4.9,9.8] … (44.1,49] (49,∞): reference 0, 5 × 10, 0 of 50;
    // current 0, 5 × 10, 5 of 55; ε = 1e-4.
    const e = [0, ...fill(10, 5), 0].map((c) => (c + 1e-4) / (50 + 12e-4));
    const a = [0, ...fill(10, 5), 5].map((c) => (c + 1e-4) / (55 + 12e-4));
    const want = e.reduce((s, ei, i) => s + (ei - a[i]!) * Math.log(ei / a[i]!), 0);
    expect(r.psi).toBeCloseTo(want, 12);
    expect(r.psi).toBeCloseTo(0.984, 3);
    expect(r.band).toBe('significant');
  });
});

describe('PSI refuses what it cannot read', () => {
  it('empty samples, non-finite values, bad options', () => {
    expectInvalid(
      () => psi([], [1]),
      'psi: reference must be a non-empty sample, got an array of 0',
    );
    expectInvalid(() => psi([1, 2], [3, Number.NaN]), 'psi: current[1] must be a finite number');
    expectInvalid(() => psi([1, Number.POSITIVE_INFINITY], [1]), /reference\[1\]/);
    expectInvalid(() => psi(null as never, [1]), /reference must be an array of numbers/);
    expectInvalid(() => psi([1], [1], { binning: 'deciles' as never }), /binning must be one of/);
    expectInvalid(
      () => psi([1], [1], { binning: 'quantile', epsilon: Number.NaN }),
      /epsilon must be a finite number, got NaN/,
    );
    expectInvalid(
      () => psi([1], [1], { binning: 'quantile', epsilon: -1 }),
      /epsilon must be a finite number > 0, got -1/,
    );
    expectInvalid(
      () => psi([1], [1], { binning: 'quantile', bins: 2.5 }),
      /bins must be an integer/,
    );
    expectInvalid(
      () => psi([1], [1], { binning: 'quantile', bins: 1 }),
      /bins must be an integer >= 2/,
    );
    // Evidently's binning has no bin count: passing one is refused, not ignored
    expectInvalid(
      () => psi([1], [1], { bins: 10 }),
      /bins must be left out unless binning is 'quantile'/,
    );
  });
});

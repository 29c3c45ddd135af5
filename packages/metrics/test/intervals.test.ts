import { describe, expect, it } from 'vitest';
import {
  accuracyInterval,
  mcnemarExact,
  newcombeDifference,
  newcombePairedDifference,
  nonInferior,
  normalQuantile,
  type PairedCounts,
  pairedComparison,
  wilsonInterval,
} from '../src/index';
import { expectInvalid } from './helpers';

/** |actual − expected| ≤ rel·|expected|: for values whose scale varies (p-values, quantiles). */
function expectRelClose(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

/** Per-row correctness arrays realising a paired 2×2 table, rows interleaved by kind. */
function pairedRows({ both, onlyA, onlyB, neither }: PairedCounts): [boolean[], number[]] {
  const a: boolean[] = [];
  const b: number[] = [];
  const push = (count: number, ra: boolean, rb: number) => {
    for (let i = 0; i < count; i++) {
      a.push(ra);
      b.push(rb);
    }
  };
  push(onlyB, false, 1);
  push(both, true, 1);
  push(neither, false, 0);
  push(onlyA, true, 0);
  return [a, b];
}

/**
 * Exact two-sided binomial(½) p-value 2·Σ_{k ≤ min(b,c)} C(b+c, k) / 2^(b+c) in BigInt
 * arithmetic — an independent method from the log-space sum in mcnemar.ts.
 */
function exactMcNemarBigInt(b: number, c: number): number {
  const n = BigInt(b + c);
  const m = BigInt(Math.min(b, c));
  let binom = 1n;
  let tail = 1n;
  for (let k = 1n; k <= m; k++) {
    binom = (binom * (n - k + 1n)) / k;
    tail += binom;
  }
  const num = 2n * tail;
  const den = 1n << n;
  // num/den as a double: scale to a 64-bit quotient, then divide by the power of two.
  const shift = den.toString(2).length - num.toString(2).length + 64;
  return Number((num << BigInt(shift)) / den) * 2 ** -shift;
}

describe('normalQuantile', () => {
  it('matches reference quantiles in the central region and both tail branches', () => {
    // scipy.special.ndtri (SciPy 1.17.1):
    //   python3 -c 'from scipy.special import ndtri; print(repr(float(ndtri(0.975))))'
    expectRelClose(normalQuantile(0.975), 1.959963984540054, 1e-15);
    expectRelClose(normalQuantile(0.995), 2.5758293035489004, 1e-15);
    expectRelClose(normalQuantile(0.05), -1.6448536269514729, 1e-15);
    expectRelClose(normalQuantile(0.3), -0.5244005127080409, 1e-15);
    expectRelClose(normalQuantile(0.9), 1.2815515655446004, 1e-15);
    expectRelClose(normalQuantile(1e-5), -4.264890793922825, 1e-14); // tail, r <= 5
    expectRelClose(normalQuantile(0.02), -2.053748910631823, 1e-14);
    expectRelClose(normalQuantile(1e-10), -6.361340902404056, 1e-14);
    expectRelClose(normalQuantile(2e-11), -6.604077590405635, 1e-14);
    expectRelClose(normalQuantile(0.99999999), 5.612001243305505, 1e-14);
    expectRelClose(normalQuantile(1e-20), -9.262340089798409, 1e-14); // far tail, r > 5
    expectRelClose(normalQuantile(1e-300), -37.0470962993612, 1e-14);
  });

  it('is 0 at the median and antisymmetric', () => {
    expect(normalQuantile(0.5)).toBe(0);
    for (const p of [0.001, 0.025, 0.1, 0.25, 0.4, 0.49]) {
      expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 12);
    }
    expect(normalQuantile(0.25)).toBe(-normalQuantile(0.75)); // 0.25 and 0.75 are exact doubles
  });

  it('is increasing across branch boundaries', () => {
    // Branch switches at |p − 0.5| = 0.425 and min(p, 1 − p) = e^−25.
    const ps = [1e-12, Math.exp(-25) * 0.999, Math.exp(-25) * 1.001, 0.0749, 0.075, 0.0751, 0.5];
    const zs = ps.map(normalQuantile);
    for (let i = 1; i < zs.length; i++) expect(zs[i]!).toBeGreaterThan(zs[i - 1]!);
  });

  it('gives ±Infinity at 0 and 1 and rejects anything outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    for (const p of [-0.1, 1.1, Number.NaN]) {
      expectInvalid(() => normalQuantile(p), /^normalQuantile: p must be a finite number/);
    }
  });
});

describe('wilsonInterval', () => {
  it('reproduces Newcombe 1998 (Stat Med 17:857) Table I, method 3', () => {
    const rows: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lower, upper] of rows) {
      const ci = wilsonInterval(x, n);
      expect(ci.lower).toBeCloseTo(lower, 4);
      expect(ci.upper).toBeCloseTo(upper, 4);
      expect(ci.estimate).toBe(x / n);
      expect(ci.n).toBe(n);
      expect(ci.confidence).toBe(0.95);
    }
  });

  it('agrees with the textbook formula to full precision', () => {
    // (x + z²/2 ± z·√(x(n−x)/n + z²/4)) / (n + z²), evaluated in python3 with
    // z = scipy.special.ndtri(0.975) (and ndtri(0.995) for 99%).
    const ci = wilsonInterval(81, 263);
    expectRelClose(ci.lower, 0.2552885198782742);
    expectRelClose(ci.upper, 0.36620957698280004);
    expectRelClose(wilsonInterval(1, 29).lower, 0.006113214292762667);
    const ci99 = wilsonInterval(81, 263, { confidence: 0.99 });
    expectRelClose(ci99.lower, 0.24013690268760768);
    expectRelClose(ci99.upper, 0.3852825023182298);
    expect(ci99.confidence).toBe(0.99);
  });

  it('is exactly 0 / 1 at the ends and symmetric in successes ↔ failures', () => {
    expect(wilsonInterval(0, 20).lower).toBe(0);
    expect(wilsonInterval(20, 20).upper).toBe(1);
    expect(wilsonInterval(20, 20).lower).toBeCloseTo(1 - 0.1611, 4);
    for (const [x, n] of [
      [3, 17],
      [0, 5],
      [120, 400],
    ] as const) {
      const a = wilsonInterval(x, n);
      const b = wilsonInterval(n - x, n);
      expect(a.lower).toBeCloseTo(1 - b.upper, 15);
      expect(a.upper).toBeCloseTo(1 - b.lower, 15);
    }
  });

  it('rejects bad counts and confidence levels, naming the argument', () => {
    expectInvalid(() => wilsonInterval(0, 0), 'wilsonInterval: n must be an integer >= 1, got 0');
    expectInvalid(() => wilsonInterval(1, 2.5), /^wilsonInterval: n must be an integer/);
    expectInvalid(
      () => wilsonInterval(-1, 10),
      'wilsonInterval: successes must be an integer >= 0 <= 10, got -1',
    );
    expectInvalid(() => wilsonInterval(11, 10), /^wilsonInterval: successes /);
    expectInvalid(() => wilsonInterval(2.5, 10), /^wilsonInterval: successes /);
    expectInvalid(
      () => wilsonInterval(Number.NaN, 10),
      'wilsonInterval: successes must be an integer, got NaN',
    );
    for (const confidence of [0, 1, 1.5, -0.5, Number.NaN]) {
      expectInvalid(
        () => wilsonInterval(5, 10, { confidence }),
        /^wilsonInterval: confidence must be a finite number/,
      );
    }
    expectInvalid(
      () => wilsonInterval(5, 10, null as never),
      /^wilsonInterval: opts must be an options object/,
    );
  });
});

describe('accuracyInterval', () => {
  it('is the Wilson interval of the number of correct rows', () => {
    const ci = accuracyInterval([true, true, true, false]);
    expect(ci).toEqual(wilsonInterval(3, 4));
    // python3 (formula above): 3/4 → 0.30064184258240184 … 0.9544127391902995
    expectRelClose(ci.lower, 0.30064184258240184);
    expectRelClose(ci.upper, 0.9544127391902995);
    expect(accuracyInterval(new Uint8Array([1, 0, 1, 1]), { confidence: 0.9 })).toEqual(
      wilsonInterval(3, 4, { confidence: 0.9 }),
    );
  });

  it('rejects an empty array and entries that are not correctness', () => {
    expectInvalid(
      () => accuracyInterval([]),
      'accuracyInterval: correct must be non-empty, got an array of 0',
    );
    expectInvalid(
      () => accuracyInterval([1, 2]),
      'accuracyInterval: correct[1] must be a boolean or 0/1, got 2',
    );
    expectInvalid(() => accuracyInterval([true, Number.NaN]), /^accuracyInterval: correct\[1\]/);
    expectInvalid(
      () => accuracyInterval([true], { confidence: 2 }),
      /^accuracyInterval: confidence/,
    );
  });
});

describe('newcombeDifference (independent proportions)', () => {
  // Newcombe 1998, Stat Med 17:873, Table II, method 10. Rows (a), (b) match the published
  // table (also asserted as "reported in Newcombe 1998" by the R package propint's tests).
  // The other rows were recomputed by hand from the method-10 formula with python3
  // (Wilson bounds at z = scipy.special.ndtri(0.975), then square-and-add); for (c), 6/7 − 2/7,
  // the value 0.0342 to 0.8300 we were given does NOT reproduce — the formula gives
  // 0.0582 to 0.8062 (the continuity-corrected method 11 would give −0.0290 to 0.8423).
  const table: [string, number, number, number, number, number, number][] = [
    ['(a) 56/70 − 48/80', 56, 70, 48, 80, 0.0524, 0.3339],
    ['(b) 9/10 − 3/10', 9, 10, 3, 10, 0.1705, 0.809],
    ['(c) 6/7 − 2/7', 6, 7, 2, 7, 0.0582, 0.8062],
    ['(d) 5/56 − 0/29', 5, 56, 0, 29, -0.0381, 0.1926],
    ['(e) 0/10 − 0/20', 0, 10, 0, 20, -0.1611, 0.2775],
    ['(f) 0/10 − 0/10', 0, 10, 0, 10, -0.2775, 0.2775],
    ['(g) 10/10 − 0/20', 10, 10, 0, 20, 0.6791, 1],
    ['(h) 10/10 − 0/10', 10, 10, 0, 10, 0.6075, 1],
  ];
  it.each(table)('%s', (_name, x1, n1, x2, n2, lower, upper) => {
    const d = newcombeDifference(x1, n1, x2, n2);
    expect(d.estimate).toBeCloseTo(x1 / n1 - x2 / n2, 15);
    expect(d.lower).toBeCloseTo(lower, 4);
    expect(d.upper).toBeCloseTo(upper, 4);
    expect(d.significant).toBe(lower > 0 || upper < 0);
    expect(d.confidence).toBe(0.95);
  });

  it('is built from the two Wilson intervals', () => {
    const w1 = wilsonInterval(56, 70);
    const w2 = wilsonInterval(48, 80);
    const d = newcombeDifference(56, 70, 48, 80);
    expect(d.lower).toBeCloseTo(0.2 - Math.hypot(0.8 - w1.lower, w2.upper - 0.6), 14);
    expect(d.upper).toBeCloseTo(0.2 + Math.hypot(w1.upper - 0.8, 0.6 - w2.lower), 14);
  });

  it('negates when the groups are swapped, and widens with the confidence level', () => {
    const d = newcombeDifference(56, 70, 48, 80);
    const r = newcombeDifference(48, 80, 56, 70);
    expect(r.estimate).toBeCloseTo(-d.estimate, 15);
    expect(r.lower).toBeCloseTo(-d.upper, 15);
    expect(r.upper).toBeCloseTo(-d.lower, 15);
    const d99 = newcombeDifference(56, 70, 48, 80, { confidence: 0.99 });
    expect(d99.lower).toBeLessThan(d.lower);
    expect(d99.upper).toBeGreaterThan(d.upper);
    expect(d99.significant).toBe(d99.lower > 0);
  });

  it('calls a drop from 90% to 85% on 200 rows each not significant', () => {
    // The use case: is the accuracy drop from old data to new data real?
    const d = newcombeDifference(180, 200, 170, 200);
    expect(d.estimate).toBeCloseTo(0.05, 15);
    expect(d.significant).toBe(false);
    expect(d.lower).toBeLessThan(0);
  });

  it('rejects bad counts, naming the argument', () => {
    expectInvalid(() => newcombeDifference(1, 0, 1, 2), /^newcombeDifference: n1 /);
    expectInvalid(() => newcombeDifference(3, 2, 1, 2), /^newcombeDifference: x1 /);
    expectInvalid(() => newcombeDifference(1, 2, 1, 0), /^newcombeDifference: n2 /);
    expectInvalid(() => newcombeDifference(1, 2, -1, 2), /^newcombeDifference: x2 /);
    expectInvalid(
      () => newcombeDifference(1, 2, 1, 2, { confidence: 2 }),
      /^newcombeDifference: confidence /,
    );
  });
});

describe('newcombePairedDifference', () => {
  // Newcombe 1998, Stat Med 17:2635, method 10, examples (e, f, g, h), as asserted
  // ("results reported in Newcombe1998") by the tests of the R package propint
  // (m-Py/propint); recomputed here with python3 from the formula, with the corrected φ.
  // With the uncorrected φ = (eh − fg)/√M, example (b) would give 0.0618 to 0.3239 and (c)
  // −0.0640 to 0.0640 — so these rows pin down the correction.
  const examples: [string, PairedCounts, number, number][] = [
    ['(a) 36/12/2/0', { both: 36, onlyA: 12, onlyB: 2, neither: 0 }, 0.0569, 0.3404],
    ['(b) 18/12/2/18', { both: 18, onlyA: 12, onlyB: 2, neither: 18 }, 0.0562, 0.329],
    ['(c) 53/0/0/1', { both: 53, onlyA: 0, onlyB: 0, neither: 1 }, -0.0729, 0.0729],
    ['(d) 0/30/0/0', { both: 0, onlyA: 30, onlyB: 0, neither: 0 }, 0.8395, 1],
    // Fagerland, Lydersen & Laake 2017, Statistical Analysis of Contingency Tables, ch. 8
    // (Cavo et al. 2012: 59, 6, 16, 80): Newcombe square-and-add −0.1186 to −0.0046.
    ['Cavo 59/6/16/80', { both: 59, onlyA: 6, onlyB: 16, neither: 80 }, -0.1186, -0.0046],
  ];
  it.each(examples)('%s', (_name, counts, lower, upper) => {
    const d = newcombePairedDifference(counts);
    const n = counts.both + counts.onlyA + counts.onlyB + counts.neither;
    expect(d.estimate).toBeCloseTo((counts.onlyA - counts.onlyB) / n, 15);
    expect(d.lower).toBeCloseTo(lower, 4);
    expect(d.upper).toBeCloseTo(upper, 4);
    expect(d.significant).toBe(lower > 0 || upper < 0);
  });

  it('rejects bad counts', () => {
    const ok: PairedCounts = { both: 1, onlyA: 1, onlyB: 1, neither: 1 };
    expectInvalid(
      () => newcombePairedDifference({ ...ok, onlyA: -1 }),
      'newcombePairedDifference: counts.onlyA must be an integer >= 0, got -1',
    );
    expectInvalid(
      () => newcombePairedDifference({ ...ok, neither: 0.5 }),
      /counts\.neither must be an integer/,
    );
    expectInvalid(
      () => newcombePairedDifference({ ...ok, both: Number.NaN }),
      /counts\.both must be an integer, got NaN/,
    );
    expectInvalid(
      () => newcombePairedDifference({ both: 0, onlyA: 0, onlyB: 0, neither: 0 }),
      'newcombePairedDifference: counts must be at least one row in total, got 0',
    );
  });
});

describe('mcnemarExact', () => {
  it('matches p-values worked by hand from the binomial distribution', () => {
    // b=1, c=9: 2·(C(10,0) + C(10,1))/2¹⁰ = 22/1024
    expectRelClose(mcnemarExact(1, 9), 0.021484375);
    expectRelClose(mcnemarExact(9, 1), 0.021484375);
    // b=0, c=5: 2·C(5,0)/2⁵ = 1/16
    expectRelClose(mcnemarExact(0, 5), 0.0625);
    // b=2, c=12: 2·(1 + 14 + 91)/2¹⁴ = 212/16384
    expectRelClose(mcnemarExact(2, 12), 0.012939453125);
    // b=6, c=16: 2·Σ_{k≤6} C(22,k)/2²² = 2·(1+22+231+1540+7315+26334+74613)/4194304
    expectRelClose(mcnemarExact(6, 16), (2 * 110056) / 4194304);
  });

  it('is 1 when b = c (and with no discordant rows), never above 1', () => {
    expect(mcnemarExact(5, 5)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(1000, 1000)).toBe(1);
    expect(mcnemarExact(0, 1)).toBe(1); // 2·½ = 1
    // |b − c| = 1: 2·P(X ≤ k | 2k + 1) = 2·½ exactly, not 0.9999999999999999.
    expect(mcnemarExact(3, 4)).toBe(1); // 2·64/128
    expect(mcnemarExact(1001, 1000)).toBe(1);
    expectRelClose(mcnemarExact(2, 4), 44 / 64); // 2·(1 + 6 + 15)/2⁶
  });

  it('stays exact for b + c in the thousands', () => {
    // Reference 1: exact BigInt sum of binomial coefficients (independent method).
    // Reference 2: python3 -c 'from scipy.stats import binomtest;
    //   print(repr(binomtest(1000, 2100, 0.5).pvalue))'  → 0.03072070786424249 (SciPy 1.17.1)
    expectRelClose(mcnemarExact(1000, 1100), exactMcNemarBigInt(1000, 1100), 1e-14);
    expectRelClose(mcnemarExact(1000, 1100), 0.03072070786424249, 1e-11);
    // binomtest(5000, 10400, 0.5) → 9.116949314541157e-05; binomtest(100, 400, 0.5) →
    // 2.591886906972111e-24: tiny p-values keep their relative precision too.
    expectRelClose(mcnemarExact(5400, 5000), 9.116949314541157e-5, 1e-11);
    expectRelClose(mcnemarExact(5400, 5000), exactMcNemarBigInt(5400, 5000), 1e-13);
    expectRelClose(mcnemarExact(100, 300), 2.591886906972111e-24, 1e-11);
    expectRelClose(mcnemarExact(100, 300), exactMcNemarBigInt(100, 300), 1e-14);
    // b + c = 201 000: 2·exp(lnΓ(n+1) − lnΓ(k+1) − lnΓ(n−k+1) − n ln 2)·Σ ratios in mpmath at
    // 40 digits (python3, mpmath.loggamma) → 0.02586239243973447892…; a plain float64 sum of
    // the logs would be off by ~5e-10 here.
    expectRelClose(mcnemarExact(100000, 101000), 0.02586239243973448, 1e-13);
  });

  it('rejects counts that are not non-negative integers', () => {
    expectInvalid(() => mcnemarExact(-1, 3), 'mcnemarExact: b must be an integer >= 0, got -1');
    expectInvalid(() => mcnemarExact(1, 2.5), /^mcnemarExact: c /);
    expectInvalid(() => mcnemarExact(Number.NaN, 2), 'mcnemarExact: b must be an integer, got NaN');
    expectInvalid(
      () => mcnemarExact(Number.POSITIVE_INFINITY, 2),
      /^mcnemarExact: b must be an integer/,
    );
  });
});

describe('pairedComparison', () => {
  it('counts the 2×2 table and combines McNemar with the paired interval', () => {
    const [a, b] = pairedRows({ both: 36, onlyA: 12, onlyB: 2, neither: 0 });
    const r = pairedComparison(a, b);
    expect(r.n).toBe(50);
    expect(r.accuracyA).toBeCloseTo(48 / 50, 15);
    expect(r.accuracyB).toBeCloseTo(38 / 50, 15);
    expect(r.difference).toBeCloseTo(0.2, 15);
    expect(r.b).toBe(12);
    expect(r.c).toBe(2);
    expectRelClose(r.pValue, 0.012939453125); // 2·(1 + 14 + 91)/2¹⁴
    expect(r.lower).toBeCloseTo(0.0569, 4); // Newcombe 1998 (paired), example (a)
    expect(r.upper).toBeCloseTo(0.3404, 4);
    expect(r.confidence).toBe(0.95);
  });

  it('swapping A and B mirrors the difference and keeps the p-value', () => {
    const [a, b] = pairedRows({ both: 59, onlyA: 6, onlyB: 16, neither: 80 });
    const ab = pairedComparison(a, b);
    const ba = pairedComparison(b, a);
    expect(ba.difference).toBeCloseTo(-ab.difference, 15);
    expect(ba.lower).toBeCloseTo(-ab.upper, 15);
    expect(ba.upper).toBeCloseTo(-ab.lower, 15);
    expect(ba.pValue).toBe(ab.pValue);
    expect([ba.b, ba.c]).toEqual([ab.c, ab.b]);
    // Cavo et al.: A significantly worse by the interval (upper < 0), yet exact McNemar
    // p = 0.0525 (SciPy binomtest(6, 22)) — the exact test is the more conservative one.
    expect(ab.upper).toBeLessThan(0);
    expectRelClose(ab.pValue, 0.052478790283203125);
  });

  it('sees a drop that two independent intervals miss', () => {
    // 200 rows: A right on 170, B right on 180; they disagree on 20 rows, 5 vs 15.
    // python3 (formulas above): paired −0.0975 to −0.0052, independent −0.1157 to 0.0154,
    // binomtest(5, 20, 0.5) → 0.04138946533203125.
    const [a, b] = pairedRows({ both: 165, onlyA: 5, onlyB: 15, neither: 15 });
    const paired = pairedComparison(a, b);
    const indep = newcombeDifference(170, 200, 180, 200);
    expect(paired.lower).toBeCloseTo(-0.0975, 4);
    expect(paired.upper).toBeCloseTo(-0.0052, 4);
    expect(indep.lower).toBeCloseTo(-0.1157, 4);
    expect(indep.upper).toBeCloseTo(0.0154, 4);
    expect(indep.significant).toBe(false);
    expectRelClose(paired.pValue, 0.04138946533203125);
    expect(paired.upper - paired.lower).toBeLessThan(indep.upper - indep.lower);
  });

  it('accepts 0/1 numbers and typed arrays; passes the confidence level on', () => {
    const r = pairedComparison(new Uint8Array([1, 1, 0, 1]), [true, false, false, true], {
      confidence: 0.9,
    });
    expect([r.n, r.b, r.c, r.confidence]).toEqual([4, 1, 0, 0.9]);
    expect(r.lower).toBeCloseTo(
      newcombePairedDifference({ both: 2, onlyA: 1, onlyB: 0, neither: 1 }, { confidence: 0.9 })
        .lower,
      15,
    );
  });

  it('rejects mismatched, empty and non-boolean inputs', () => {
    expectInvalid(
      () => pairedComparison([true], [true, false]),
      'pairedComparison: correctA, correctB must be the same length (lengths differ: 1 vs 2), got 2',
    );
    expectInvalid(() => pairedComparison([], []), 'pairedComparison: correctA must be non-empty');
    expectInvalid(
      () => pairedComparison([1, 0.5], [1, 1]),
      'pairedComparison: correctA[1] must be a boolean or 0/1, got 0.5',
    );
    expectInvalid(
      () => pairedComparison([1, 1], [1, 'x' as unknown as number]),
      /^pairedComparison: correctB\[1\] /,
    );
    expectInvalid(
      () => pairedComparison([1], [1], { confidence: 0 }),
      /^pairedComparison: confidence /,
    );
  });
});

describe('nonInferior', () => {
  it('compares the lower bound of (first − second) with −margin', () => {
    expect(nonInferior({ lower: -0.035 }, 0.05)).toBe(true);
    expect(nonInferior({ lower: -0.035 }, 0.02)).toBe(false);
    expect(nonInferior({ lower: 0.01 }, 0)).toBe(true); // margin 0: significantly better
    expect(nonInferior({ lower: -0.05 }, 0.05)).toBe(false); // the bound must clear −margin
  });

  it('reads a paired comparison challenger (A) vs champion (B)', () => {
    // Challenger wrong on 6 rows the champion gets right, right on 4 it gets wrong, n = 400.
    const [a, b] = pairedRows({ both: 360, onlyA: 4, onlyB: 6, neither: 30 });
    const r = pairedComparison(a, b);
    expect(r.difference).toBeCloseTo(-0.005, 15);
    // python3 (formula above): −0.0232 to 0.0127.
    expect(r.lower).toBeCloseTo(-0.0232, 4);
    expect(r.upper).toBeCloseTo(0.0127, 4);
    expect(r.upper).toBeGreaterThanOrEqual(0); // not significantly worse
    expect(nonInferior(r, 0.03)).toBe(true); // and not 3 points worse
    expect(nonInferior(r, 0.02)).toBe(false); // but it could be 2 points worse
  });

  it('rejects a margin outside [0, 1]', () => {
    expectInvalid(
      () => nonInferior({ lower: 0 }, -0.01),
      'nonInferior: margin must be a finite number >= 0 <= 1, got -0.01',
    );
    expectInvalid(() => nonInferior({ lower: 0 }, Number.NaN), /^nonInferior: margin /);
    // a NaN bound used to read as "not non-inferior" silently
    expectInvalid(
      () => nonInferior({ lower: Number.NaN }, 0.05),
      'nonInferior: difference.lower must be a finite number, got NaN',
    );
  });
});

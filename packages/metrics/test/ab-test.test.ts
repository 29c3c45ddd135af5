import { describe, expect, it } from 'vitest';
import { analyzeAbTest, normalQuantile, normalUpperTail } from '../src/index';

// Reference values computed once with SciPy 1.10.1 and statsmodels 0.13.5 (Debian packages):
//   scipy.stats.norm.sf(z);
//   statsmodels.stats.proportion.proportions_ztest([xt, xc], [nt, nc])  (pooled, two-sided);
//   statsmodels.stats.proportion.confint_proportions_2indep(xt, nt, xc, nc, method='newcomb',
//     compare='diff', alpha=0.05).
const SF: [z: number, sf: number][] = [
  [1.959963984540054, 0.025],
  [10, 7.61985302416047e-24],
  [0.5, 0.3085375387259869],
  [0.1, 0.460172162722971],
  [-0.3, 0.6179114221889526],
  [2.5, 0.006209665325776132],
  [5, 2.866515718791933e-7],
  [7, 1.279812543885835e-12],
  [-4, 0.9999683287581669],
  [20, 2.7536241186061556e-89],
];

const AB: [
  xc: number,
  nc: number,
  xt: number,
  nt: number,
  z: number,
  p: number,
  lo: number,
  hi: number,
][] = [
  [
    1000, 10000, 1100, 10000, 2.3066347738170103, 0.021075189273797826, 0.0015020650656495157,
    0.018501515868365202,
  ],
  [
    480, 5000, 560, 5000, 2.620712091804796, 0.008774633060101168, 0.004033175968009237,
    0.027978665256773616,
  ],
  [
    30, 1200, 18, 1150, -1.6014405457207854, 0.10927937844686902, -0.021277701660916613,
    0.002289167604609694,
  ],
  [
    5, 56, 0, 29, -1.6586488692392285, 0.09718656817057973, -0.19256001385511165,
    0.038137147903536936,
  ],
];

describe('normalUpperTail', () => {
  it.each(SF)('sf(%s) matches SciPy to 1e-13 relative', (z, sf) => {
    expect(Math.abs(normalUpperTail(z) - sf) / sf).toBeLessThan(1e-13);
  });

  it('inverts normalQuantile', () => {
    for (const p of [1e-10, 0.001, 0.2, 0.5, 0.7, 0.99]) {
      expect(normalUpperTail(-normalQuantile(p)) / p).toBeCloseTo(1, 13);
    }
  });
});

describe('analyzeAbTest', () => {
  it.each(AB)(
    'control %s/%s vs treatment %s/%s: statsmodels z, p and Newcombe interval',
    (xc, nc, xt, nt, z, p, lo, hi) => {
      const r = analyzeAbTest({ conversions: xc, users: nc }, { conversions: xt, users: nt });
      expect(r.z).toBeCloseTo(z, 12);
      expect(r.pValue / p).toBeCloseTo(1, 12);
      expect(r.interval.lower).toBeCloseTo(lo, 12);
      expect(r.interval.upper).toBeCloseTo(hi, 12);
      expect(r.lift).toBeCloseTo(xt / nt - xc / nc, 15);
      expect(r.relativeLift).toBeCloseTo((xt / nt - xc / nc) / (xc / nc), 15);
      expect(r.verdict).toBe(p < 0.05 ? 'treatment_better' : 'no_difference');
    },
  );

  it('refuses to call a test below its planned size, whatever the p-value', () => {
    const c = { conversions: 1000, users: 10_000 };
    const t = { conversions: 1300, users: 10_000 };
    const early = analyzeAbTest(c, t, { plannedPerArm: 10_001 });
    expect(early.pValue).toBeLessThan(1e-6);
    expect(early.verdict).toBe('keep_running');
    expect(early.reachedPlannedSize).toBe(false);
    expect(early.reason).toMatch(/10000 users in the smaller arm, 10001 planned/);
    const done = analyzeAbTest(c, t, { plannedPerArm: 10_000 });
    expect(done.verdict).toBe('treatment_better');
    expect(done.reachedPlannedSize).toBe(true);
  });

  it('calls a worse treatment, and alpha sets both the test and the interval', () => {
    const r = analyzeAbTest(
      { conversions: 560, users: 5000 },
      { conversions: 480, users: 5000 },
      { alpha: 0.01 },
    );
    expect(r.verdict).toBe('control_better'); // p = 0.00877 < 0.01
    expect(r.interval.confidence).toBe(0.99);
    expect(
      analyzeAbTest(
        { conversions: 560, users: 5000 },
        { conversions: 480, users: 5000 },
        { alpha: 0.005 },
      ).verdict,
    ).toBe('no_difference');
  });

  it('handles arms with no conversions: no variance, no difference; relative lift undefined', () => {
    const r = analyzeAbTest({ conversions: 0, users: 100 }, { conversions: 0, users: 80 });
    expect(r.pValue).toBe(1);
    expect(r.verdict).toBe('no_difference');
    expect(
      analyzeAbTest({ conversions: 0, users: 100 }, { conversions: 3, users: 80 }).relativeLift,
    ).toBeNull();
  });

  it('refuses impossible counts', () => {
    expect(() =>
      analyzeAbTest({ conversions: 11, users: 10 }, { conversions: 1, users: 10 }),
    ).toThrow(/control\.conversions/);
    expect(() =>
      analyzeAbTest({ conversions: 1, users: 10 }, { conversions: 1, users: 0 }),
    ).toThrow(/treatment\.users/);
    expect(() => analyzeAbTest({ conversions: 1, users: 10 }, null as never)).toThrow(/treatment/);
    expect(() =>
      analyzeAbTest(
        { conversions: 1, users: 10 },
        { conversions: 1, users: 10 },
        { plannedPerArm: 0.5 },
      ),
    ).toThrow(/plannedPerArm/);
  });
});

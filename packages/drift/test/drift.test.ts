import { distributionShiftScenario, Rng } from '@rvft/data';
import { describe, expect, it } from 'vitest';
import { Adwin, Ddm, datasetDrift, kolmogorovQ, ksTwoSample, PageHinkley, psi } from '../src/index';

describe('PSI', () => {
  it('matches a hand-computed value', () => {
    // reference median 2.5 → bins (−∞, 2.5], (2.5, ∞): expected 0.5 / 0.5, actual 0.75 / 0.25
    // PSI = 0.25·ln(1.5) + (−0.25)·ln(0.5) = 0.274653
    const r = psi([1, 2, 3, 4], [1, 1, 1, 4], { bins: 2, epsilon: 1e-9 });
    expect(r.edges).toEqual([2.5]);
    expect(r.psi).toBeCloseTo(0.25 * Math.log(1.5) - 0.25 * Math.log(0.5), 6);
    expect(r.band).toBe('significant');
  });

  it('is ≈ 0 for the same sample; bands follow the thresholds', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    expect(psi(xs, xs).psi).toBeCloseTo(0, 10);
    expect(psi(xs, xs).band).toBe('none');
  });

  it('an empty bin stays finite thanks to smoothing', () => {
    const r = psi([1, 2, 3, 4], [9, 9, 9, 9], { bins: 2 });
    expect(Number.isFinite(r.psi)).toBe(true);
    expect(r.psi).toBeGreaterThan(1);
  });

  it('refuses empty samples and non-finite values', () => {
    expect(() => psi([], [1])).toThrow(/reference: the sample is empty/);
    expect(() => psi([1, Number.NaN], [1])).toThrow(/reference\[\d\] is NaN/);
  });
});

describe('two-sample Kolmogorov–Smirnov', () => {
  it('statistic by hand', () => {
    // F_a − F_b at x = 5: 1 − 3/6 = 0.5, the largest gap
    const r = ksTwoSample([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8]);
    expect(r.statistic).toBeCloseTo(0.5, 12);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3]).statistic).toBe(0);
    expect(ksTwoSample([1, 2, 3], [10, 11]).statistic).toBe(1);
  });

  it('Kolmogorov survival function against the published table', () => {
    // Q(λ): 0.10 at 1.224, 0.05 at 1.358, 0.01 at 1.628 (Smirnov 1948 / Massey 1951)
    expect(kolmogorovQ(1.224)).toBeCloseTo(0.1, 3);
    expect(kolmogorovQ(1.358)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.628)).toBeCloseTo(0.01, 3);
    expect(kolmogorovQ(0)).toBe(1);
  });

  it('p-value: the 5% critical value for n = m = 1000 gives p ≈ 0.05', () => {
    // D_crit(α = 0.05) = 1.358·√(2/1000) = 0.06073; with Stephens' correction p stays near 0.05
    const n = 1000;
    const a = Array.from({ length: n }, (_, i) => i);
    const shift = Math.round(1.358 * Math.sqrt(2 / n) * n); // 61 positions → D = 0.061
    const b = a.map((x) => x + shift);
    const r = ksTwoSample(a, b);
    expect(r.statistic).toBeCloseTo(shift / n, 12);
    expect(r.pValue).toBeGreaterThan(0.04);
    expect(r.pValue).toBeLessThan(0.06);
  });
});

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
});

function bernoulli(rng: Rng, p: number): number {
  return rng.uniform() < p ? 1 : 0;
}

describe('ADWIN', () => {
  it('detects a mean change within a bounded delay', () => {
    const delays: number[] = [];
    for (let s = 0; s < 10; s++) {
      const rng = new Rng(`adwin-${s}`);
      const adwin = new Adwin();
      let detectedAt = -1;
      for (let t = 0; t < 2000 && detectedAt < 0; t++) {
        adwin.update(bernoulli(rng, t < 1000 ? 0.2 : 0.8));
        if (adwin.driftDetected && t >= 1000) detectedAt = t - 1000;
      }
      delays.push(detectedAt);
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(100);
  });

  it('stays quiet on stationary streams (δ = 0.002)', () => {
    let alarms = 0;
    for (let s = 0; s < 20; s++) {
      const rng = new Rng(`still-${s}`);
      const adwin = new Adwin();
      for (let t = 0; t < 2000; t++) if (adwin.update(bernoulli(rng, 0.3)).driftDetected) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(1); // 40,000 values
  });

  it('forgets the old part of the window after a drift', () => {
    const rng = new Rng(1);
    const adwin = new Adwin();
    for (let t = 0; t < 3000; t++) adwin.update(bernoulli(rng, t < 1500 ? 0.1 : 0.9));
    expect(adwin.mean).toBeGreaterThan(0.8);
    expect(adwin.n).toBeLessThan(1600);
  });
});

describe('DDM', () => {
  it('warns, then detects a rise in the error rate', () => {
    const rng = new Rng('ddm');
    // DDM has no false-alarm rate to configure; a longer warm-up keeps its early, noisy
    // estimate of the minimum error rate from firing (with 30, River's default, it does).
    const ddm = new Ddm({ minInstances: 100 });
    let warnedAt = -1;
    let detectedAt = -1;
    for (let t = 0; t < 3000 && detectedAt < 0; t++) {
      ddm.update(bernoulli(rng, t < 1000 ? 0.1 : 0.5));
      if (ddm.warning && warnedAt < 0 && t >= 1000) warnedAt = t;
      if (ddm.driftDetected) detectedAt = t;
    }
    expect(detectedAt).toBeGreaterThanOrEqual(1000);
    expect(detectedAt - 1000).toBeLessThan(150);
    expect(warnedAt).toBeGreaterThanOrEqual(1000);
    expect(warnedAt).toBeLessThanOrEqual(detectedAt);
  });

  it('stays quiet on a stationary error stream and refuses non-binary input', () => {
    let alarms = 0;
    for (let s = 0; s < 10; s++) {
      const rng = new Rng(`ddm-still-${s}`);
      const ddm = new Ddm({ minInstances: 100 });
      for (let t = 0; t < 2000; t++) if (ddm.update(bernoulli(rng, 0.1)).driftDetected) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(1);
    expect(() => new Ddm().update(0.5)).toThrow(/must be 0 or 1/);
  });
});

describe('Page–Hinkley', () => {
  it('detects a rise in the mean and ignores noise around a constant mean', () => {
    const rng = new Rng('ph');
    const ph = new PageHinkley();
    let detectedAt = -1;
    for (let t = 0; t < 2000 && detectedAt < 0; t++) {
      ph.update((t < 1000 ? 0 : 1) + 0.1 * rng.normal());
      if (ph.driftDetected) detectedAt = t;
    }
    expect(detectedAt).toBeGreaterThanOrEqual(1000);
    expect(detectedAt - 1000).toBeLessThan(120);

    const still = new PageHinkley();
    const rng2 = new Rng('ph-still');
    let alarms = 0;
    for (let t = 0; t < 5000; t++) if (still.update(0.1 * rng2.normal()).driftDetected) alarms++;
    expect(alarms).toBe(0);
  });

  it("mode 'both' also sees a fall", () => {
    const ph = new PageHinkley({ mode: 'both' });
    let detected = false;
    for (let t = 0; t < 1200 && !detected; t++)
      detected = ph.update(t < 1000 ? 1 : 0).driftDetected;
    expect(detected).toBe(true);
  });
});
